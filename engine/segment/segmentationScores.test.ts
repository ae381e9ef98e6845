import { describe, expect, it } from 'vitest';
import { sliceSegmentationScores, volumeSegmentationScores } from './segmentationScores.js';

describe('sliceSegmentationScores', () => {
  // One 6 × 2 slice: ISBI labels with two cells separated by a membrane column.
  const labels = Uint8Array.from([255, 255, 0, 255, 255, 255, 255, 255, 0, 255, 255, 255]);

  it('scores a segmentation that matches the cells as perfect', () => {
    const ids = Uint32Array.from([1, 1, 0, 2, 2, 2, 1, 1, 0, 2, 2, 2]);
    const scores = sliceSegmentationScores(ids, labels, 6, 2, 1);
    expect(scores).toMatchObject({ vRand: 1, vInfo: 1, slices: 1 });
  });

  it('sees a merge, and takes each 4-connected piece of an id as its own 2D segment', () => {
    const merged = Uint32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const scores = sliceSegmentationScores(merged, labels, 6, 2, 1);
    expect(scores.vRandMerge).toBeLessThan(1);
    expect(scores.vRandSplit).toBe(1);
    // One 3D id on both sides of a line is two pieces in 2D: no merge.
    const pieces = Uint32Array.from([7, 7, 0, 7, 7, 7, 7, 7, 0, 7, 7, 7]);
    expect(sliceSegmentationScores(pieces, labels, 6, 2, 1).vRand).toBe(1);
  });

  it('takes uint32 ground-truth ids too, and skips slices without cells', () => {
    const truth = Uint32Array.from([3, 3, 0, 5, 5, 5, 3, 3, 0, 5, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const ids = Uint32Array.from([1, 1, 0, 2, 2, 2, 1, 1, 0, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(sliceSegmentationScores(ids, truth, 6, 2, 2)).toMatchObject({ vRand: 1, slices: 1 });
  });
});

describe('volumeSegmentationScores', () => {
  it('is 1 for the same neurons under other ids, lower for a 3D merge', () => {
    const truth = Uint32Array.from([1, 1, 0, 2, 2, 2, 1, 1, 0, 2, 2, 2]);
    expect(volumeSegmentationScores(Uint32Array.from([9, 9, 0, 4, 4, 4, 9, 9, 0, 4, 4, 4]), truth).vRand).toBe(1);
    const merged = volumeSegmentationScores(Uint32Array.from([9, 9, 0, 9, 9, 9, 9, 9, 0, 9, 9, 9]), truth);
    expect(merged.vRandMerge).toBeLessThan(1);
    expect(merged.vRandSplit).toBe(1);
    // Sparse huge ids are compacted, not allocated.
    expect(volumeSegmentationScores(Uint32Array.from([4e9, 4e9, 0, 3e9, 3e9, 3e9, 4e9, 4e9, 0, 3e9, 3e9, 3e9]), truth).vRand).toBe(1);
  });

  it('rejects volumes of different sizes', () => {
    expect(() => volumeSegmentationScores(new Uint32Array(3), new Uint32Array(4))).toThrow(/3 voxels and the ground truth 4/);
  });
});
