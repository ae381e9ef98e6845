import { describe, expect, it } from 'vitest';
import { sizeSummary } from './sizeSummary.js';

describe('sizeSummary', () => {
  it('names the largest neuron and its share of all voxels, boundary included', () => {
    const ids = Uint32Array.from([0, 7, 7, 7, 0, 3, 3, 7, 9, 0]);
    expect(sizeSummary(ids)).toEqual({ neurons: 3, largestId: 7, largestVoxels: 4, largestShare: 0.4, topTenShare: 0.7 });
  });

  it('has no largest neuron in a volume of boundary only', () => {
    expect(sizeSummary(new Uint32Array(4))).toEqual({ neurons: 0, largestId: 0, largestVoxels: 0, largestShare: 0, topTenShare: 0 });
  });
});
