import { describe, expect, it } from 'vitest';
import { sizeSummary } from './sizeSummary.js';

describe('sizeSummary', () => {
  it('names the largest neuron and its share of all voxels, boundary included', () => {
    const ids = Uint32Array.from([0, 7, 7, 7, 0, 3, 3, 7, 9, 0]);
    expect(sizeSummary(ids)).toEqual({ neurons: 3, largestId: 7, largestVoxels: 4, largestShare: 0.4, topTenShare: 0.7, overOnePercent: 3 });
    // As two slices of 5: 7 spans both, 3 and 9 lie in one.
    expect(sizeSummary(ids, 5).oneSlice).toBe(2);
    expect(() => sizeSummary(ids, 3)).toThrow(/10 voxels are not whole slices of 3/);
  });

  it('counts the neurons holding 1 % or more each', () => {
    const ids = new Uint32Array(1000);
    ids.fill(1, 0, 10).fill(2, 10, 19).fill(3, 19, 500);
    expect(sizeSummary(ids).overOnePercent).toBe(2);
  });

  it('has no largest neuron in a volume of boundary only', () => {
    expect(sizeSummary(new Uint32Array(4))).toEqual({ neurons: 0, largestId: 0, largestVoxels: 0, largestShare: 0, topTenShare: 0, overOnePercent: 0 });
  });
});
