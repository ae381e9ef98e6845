import { describe, expect, it } from 'vitest';
import { mergeSmallSegments } from './mergeSmallSegments.js';

/** Labels from rows of digits ('.' = 0). */
function grid(rows: string[]): { labels: Int32Array; width: number; height: number } {
  const width = rows[0]!.length;
  return { labels: Int32Array.from(rows.join(''), (c) => (c === '.' ? 0 : Number(c))), width, height: rows.length };
}

describe('mergeSmallSegments', () => {
  it('merges a small segment into the neighbour it shares the longest border with', () => {
    // Segment 3 (4 px) shares 3 pixel edges with 1 and 5 with 2.
    const { labels, width, height } = grid(['1113222', '1113322', '1113222']);
    const count = mergeSmallSegments(labels, 3, width, height, 5);
    expect(count).toBe(2);
    expect(Array.from(labels)).toEqual(Array.from(grid(['1112222', '1112222', '1112222']).labels));
  });

  it('merges chains of small segments until each is large enough, and relabels 1..N', () => {
    const { labels, width, height } = grid(['5556', '5556', '7788']);
    // 6 (2 px), 7 (2 px), 8 (2 px) are small; 5 (6 px) is not.
    const count = mergeSmallSegments(labels, 8, width, height, 4);
    expect(count).toBeLessThanOrEqual(2);
    expect(Math.max(...labels)).toBe(count);
    const areas = new Map<number, number>();
    for (const l of labels) areas.set(l, (areas.get(l) ?? 0) + 1);
    for (const area of areas.values()) expect(area).toBeGreaterThanOrEqual(4);
  });

  it('keeps a lone small segment, ignores 0 and leaves large segments alone', () => {
    const lone = grid(['..', '.3']);
    expect(mergeSmallSegments(lone.labels, 3, 2, 2, 100)).toBe(1);
    expect(Array.from(lone.labels)).toEqual([0, 0, 0, 1]);
    const large = grid(['1122', '1122']);
    expect(mergeSmallSegments(large.labels, 2, 4, 2, 2)).toBe(2);
    expect(Array.from(large.labels)).toEqual(Array.from(grid(['1122', '1122']).labels));
  });
});
