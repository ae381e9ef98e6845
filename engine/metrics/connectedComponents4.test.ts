import { describe, expect, it } from 'vitest';
import { connectedComponents4 } from './connectedComponents4.js';

/** A mask from rows of '#' (on) and '.' (off). */
function mask(rows: string[]): { data: Uint8Array; width: number; height: number } {
  const width = rows[0]!.length;
  const data = Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0));
  return { data, width, height: rows.length };
}

/** Labels as rows of digits ('.' for 0), for readable expectations. */
function show(labels: Int32Array, width: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < labels.length; i += width) rows.push(Array.from(labels.subarray(i, i + width), (l) => (l === 0 ? '.' : String(l))).join(''));
  return rows;
}

describe('connectedComponents4', () => {
  it('keeps pixels that touch only at a corner apart (4-connectivity)', () => {
    const { data, width, height } = mask(['#.#', '.#.', '#.#']);
    const { labels, count } = connectedComponents4(data, width, height);
    expect(count).toBe(5);
    expect(show(labels, width)).toEqual(['1.2', '.3.', '4.5']);
  });

  it('joins U and spiral shapes whose arms meet only further down, numbering in row-major order', () => {
    // The two arms of the U start as separate runs and merge in the last row; the bar is separate.
    const { data, width, height } = mask(['#.#.##', '#.#...', '###.#.', '....#.']);
    const { labels, count } = connectedComponents4(data, width, height);
    expect(count).toBe(3);
    expect(show(labels, width)).toEqual(['1.1.22', '1.1...', '111.3.', '....3.']);
  });

  it('handles an empty mask, a full mask and single rows and columns', () => {
    expect(connectedComponents4(new Uint8Array(6), 3, 2).count).toBe(0);
    const full = connectedComponents4(new Uint8Array(6).fill(1), 3, 2);
    expect([full.count, ...full.labels]).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(connectedComponents4(Uint8Array.of(1, 0, 1, 1, 0, 1), 6, 1).count).toBe(3);
    expect(connectedComponents4(Uint8Array.of(1, 0, 1, 1, 0, 1), 1, 6).count).toBe(3);
  });

  it('labels a large serpentine (one 4-connected path of 500 000 pixels) without recursion', () => {
    // Rows alternate full / one pixel at the alternating end: a single snake.
    const width = 1000;
    const height = 1000;
    const data = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      if (y % 2 === 0) data.fill(1, y * width, (y + 1) * width);
      else data[y * width + ((y >> 1) % 2 === 0 ? width - 1 : 0)] = 1;
    }
    const { labels, count } = connectedComponents4(data, width, height);
    expect(count).toBe(1);
    expect(labels[(height - 1) * width]).toBe(1);
  });

  it('matches a plain flood fill on random masks of several densities', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const density of [0.2, 0.5, 0.6, 0.8]) {
      const width = 37;
      const height = 23;
      const data = Uint8Array.from({ length: width * height }, () => (random() < density ? 1 : 0));
      const { labels, count } = connectedComponents4(data, width, height);
      const expected = floodFill(data, width, height);
      expect(count).toBe(Math.max(0, ...expected));
      expect([...labels]).toEqual([...expected]);
    }
  });

  it('rejects a mask that is not width × height, naming the sizes', () => {
    expect(() => connectedComponents4(new Uint8Array(5), 3, 2)).toThrow(/5 pixels but 3 × 2 = 6/);
    expect(() => connectedComponents4(new Uint8Array(0), 0, 2)).toThrow(/positive integers/);
  });
});

/** The obvious breadth-first labelling, ids in row-major order of first pixels. */
function floodFill(data: Uint8Array, width: number, height: number): Int32Array {
  const labels = new Int32Array(width * height);
  let count = 0;
  for (let start = 0; start < data.length; start++) {
    if (!data[start] || labels[start]) continue;
    labels[start] = ++count;
    const queue = [start];
    while (queue.length > 0) {
      const i = queue.shift()!;
      const x = i % width;
      const y = Math.floor(i / width);
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
        const j = ny * width + nx;
        if (nx >= 0 && nx < width && ny >= 0 && ny < height && data[j] && !labels[j]) {
          labels[j] = count;
          queue.push(j);
        }
      }
    }
  }
  return labels;
}
