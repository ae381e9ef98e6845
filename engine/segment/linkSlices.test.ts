import { describe, expect, it } from 'vitest';
import { linkSlices } from './linkSlices.js';

/** A stack from slices of rows of digits ('.' = 0). */
function stack(slices: string[][]): { labels: Uint32Array; width: number; height: number; depth: number } {
  const width = slices[0]![0]!.length;
  const height = slices[0]!.length;
  const labels = Uint32Array.from(slices.flat().join(''), (c) => (c === '.' ? 0 : Number(c)));
  return { labels, width, height, depth: slices.length };
}

/** The id at (x, y, z). */
function at(ids: Uint32Array, width: number, height: number, x: number, y: number, z: number): number {
  return ids[(z * height + y) * width + x]!;
}

describe('linkSlices', () => {
  it('links overlapping segments into neurons with consecutive ids, 0 staying 0', () => {
    const { labels, width, height, depth } = stack([
      ['11.22', '11.22'],
      ['33.44', '33.44'],
      ['5.666', '5.666'],
    ]);
    const { ids, count } = linkSlices(labels, width, height, depth);
    expect(count).toBe(2);
    expect(Array.from(ids)).toEqual(Array.from(stack([
      ['11.22', '11.22'],
      ['11.22', '11.22'],
      ['1.222', '1.222'],
    ]).labels));
  });

  it('rejoins a cell split in two in one slice, and keeps the threshold', () => {
    // Slice 1 splits the cell of slices 0 and 2 into 3 (8 px) and 4 (4 px).
    const split = stack([
      ['111111', '111111'],
      ['333344', '333344'],
      ['555555', '555555'],
    ]);
    const { ids, count } = linkSlices(split.labels, split.width, split.height, split.depth);
    expect(count).toBe(1);
    expect(new Set(ids)).toEqual(new Set([1]));
  });

  it('links by overlap / smaller area against linkThreshold', () => {
    // Segment 2 (6 px) overlaps segment 1 (6 px) in 3 px: 0.5 of the smaller.
    const shifted = stack([
      ['111...', '111...'],
      ['..222.', '.222..'],
    ]);
    const half = linkSlices(shifted.labels, shifted.width, shifted.height, shifted.depth, { linkThreshold: 0.5, linkLargerThreshold: 0 });
    expect(half.count).toBe(1);
    const strict = linkSlices(shifted.labels, shifted.width, shifted.height, shifted.depth, { linkThreshold: 0.6, linkLargerThreshold: 0 });
    expect(strict.count).toBe(2);
    expect(at(strict.ids, 6, 2, 0, 0, 0)).toBe(1);
    expect(at(strict.ids, 6, 2, 2, 0, 1)).toBe(2);
  });

  it('keeps small segments inside a large one apart (linkLargerThreshold), so a 2D merge does not join neurons', () => {
    // Slices 0 and 2 hold neurons 1 and 2; slice 1 merged them into one segment 3.
    const merged = stack([
      ['11..22', '11..22', '11..22'],
      ['333333', '333333', '333333'],
      ['44..55', '44..55', '44..55'],
    ]);
    // Each neuron's 6 px lie inside the 18 px segment: 1/3 of the larger one.
    const guarded = linkSlices(merged.labels, 6, 3, 3, { linkLargerThreshold: 0.4 });
    expect(at(guarded.ids, 6, 3, 0, 0, 0)).not.toBe(at(guarded.ids, 6, 3, 5, 0, 0));
    expect(guarded.count).toBe(5);
    // Without the guard, the merged slice joins everything into one neuron.
    const unguarded = linkSlices(merged.labels, 6, 3, 3, { linkLargerThreshold: 0 });
    expect(unguarded.count).toBe(1);
    // A branch (each half covering half the parent) still links with the default guard.
    const branch = stack([['333333', '333333'], ['11..22', '11..22']]);
    expect(linkSlices(branch.labels, 6, 2, 2).count).toBe(1);
  });

  it('with requireBestPartner and a low threshold, links a straddling segment to its best partner only', () => {
    // Segment 3 (slice 1) overlaps 1 by 4 px and 2 by 2 px; 3 is the best partner of neither
    // 1 nor 2 (they overlap 4 and 5 more), but 1 is 3's best partner.
    const straddle = stack([
      ['111222', '111222', '111222'],
      ['443355', '443355', '443...'],
    ]);
    const options = { linkThreshold: 0.3, linkLargerThreshold: 0 };
    const best = linkSlices(straddle.labels, 6, 3, 2, { ...options, requireBestPartner: true });
    const any = linkSlices(straddle.labels, 6, 3, 2, { ...options, requireBestPartner: false });
    expect(any.count).toBeLessThan(best.count);
    expect(at(best.ids, 6, 3, 0, 0, 0)).not.toBe(at(best.ids, 6, 3, 5, 0, 0));
  });

  it('cancels between slices and reports progress', () => {
    const { labels, width, height, depth } = stack([['1'], ['1'], ['1'], ['1']]);
    const progress: number[] = [];
    linkSlices(labels, width, height, depth, { onProgress: (done, total) => progress.push(done / total) });
    expect(progress).toEqual([1 / 3, 2 / 3, 1]);
    const controller = new AbortController();
    expect(() =>
      linkSlices(labels, width, height, depth, { signal: controller.signal, onProgress: () => controller.abort() }),
    ).toThrow(expect.objectContaining({ code: 'CANCELLED' }));
  });

  it('rejects wrong sizes and thresholds', () => {
    expect(() => linkSlices(new Uint32Array(5), 2, 2, 2)).toThrow(/hold 5 voxels, not 2 × 2 × 2/);
    expect(() => linkSlices(new Uint32Array(8), 2, 2, 2, { linkThreshold: 2 })).toThrow(/linkThreshold must be from 0 to 1, got 2/);
  });

  it('with the probability, counts cell interior only: segments that overlap only on the membrane between them are not linked', () => {
    // Slice 0: cell 1 (x 0–5) | cell 2 (x 6–9); slice 1: the membrane leans, cell 3 reaches x 0–7.
    // Segment 3 overlaps 2 in x 6–7, which is membrane (probability 250) in both slices: by
    // pixel counts that is half of 2, a link (a merge of two neurons); weighed, it is not.
    const { labels, width, height, depth } = stack([
      ['1111112222', '1111112222'],
      ['3333333344', '3333333344'],
    ]);
    const probability = Uint8Array.from(labels, (_, i) => ((i % width === 6 || i % width === 7) ? 250 : 10));
    expect(linkSlices(labels, width, height, depth).count).toBe(1);
    const weighed = linkSlices(labels, width, height, depth, { probability });
    expect(weighed.count).toBe(2);
    expect(at(weighed.ids, width, height, 0, 0, 1)).toBe(at(weighed.ids, width, height, 0, 0, 0));
    expect(at(weighed.ids, width, height, 9, 0, 1)).toBe(at(weighed.ids, width, height, 9, 0, 0));
    expect(at(weighed.ids, width, height, 9, 0, 0)).not.toBe(at(weighed.ids, width, height, 0, 0, 0));
    // Membrane-like means at or above interiorBelow (default 51): at 251 the band is interior again, and so at 256.
    expect(linkSlices(labels, width, height, depth, { probability, interiorBelow: 251 }).count).toBe(1);
    expect(linkSlices(labels, width, height, depth, { probability, interiorBelow: 256 }).count).toBe(1);
    expect(linkSlices(labels, width, height, depth, { probability, interiorBelow: 250 }).count).toBe(2);
    expect(() => linkSlices(labels, width, height, depth, { probability: new Uint8Array(3) })).toThrow(/probability holds 3 voxels/);
    expect(() => linkSlices(labels, width, height, depth, { probability, interiorBelow: 300 })).toThrow(/interiorBelow must be 0..256 \(probability × 255\), got 300/);
  });

  it('judges a small segment inside a large one by the interior it holds, not its membrane rim', () => {
    // Slice 0: segment 1 is a thin process, 2 px of interior in a 12 px segment (its rim is
    // membrane, 200); slice 1: segment 2 covers it and much more (24 px, all interior). By pixel
    // counts the overlap is 12 / 24 = 0.5 of the larger, ≥ 0.4, a link; by interior 2 / 24, none.
    const { labels, width, height, depth } = stack([
      ['111...', '111...', '111...', '111...'],
      ['222222', '222222', '222222', '222222'],
    ]);
    const probability = Uint8Array.from(labels, (_, i) => (i < 24 && (i % 6 === 0 || i % 6 === 2 || i < 6 || (i >= 18 && i < 24)) ? 200 : 10));
    const options = { linkLargerThreshold: 0.4 };
    expect(linkSlices(labels, width, height, depth, options).count).toBe(1);
    expect(linkSlices(labels, width, height, depth, { ...options, probability }).count).toBe(2);
  });
});
