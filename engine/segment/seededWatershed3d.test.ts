import { describe, expect, it } from 'vitest';
import { seededWatershed3d } from './seededWatershed3d.js';

const ISBI = { x: 4, y: 4, z: 50 };

/** A width × height × depth volume filled by f(x, y, z). */
function volume(width: number, height: number, depth: number, f: (x: number, y: number, z: number) => number): Uint8Array {
  const out = new Uint8Array(width * height * depth);
  for (let z = 0; z < depth; z++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[(z * height + y) * width + x] = f(x, y, z);
  return out;
}

describe('seededWatershed3d', () => {
  it('cuts along a curved membrane between two seeds in every slice, not straight between them', () => {
    // Two cells in a 40 × 20 × 4 box, separated by a wavy membrane x = 20 + 6 sin(y / 3) that is
    // faint (probability 0.45, under the segmentation's threshold) in rows 8..11: the gap that
    // merged them. Seeds in slice 0 only.
    const [w, h, d] = [40, 20, 4];
    const wall = (y: number): number => Math.round(20 + 6 * Math.sin(y / 3));
    const relief = volume(w, h, d, (x, y) => (Math.abs(x - wall(y)) <= 1 ? (y < 8 || y > 11 ? 230 : 115) : 10));
    const mask = new Uint8Array(w * h * d).fill(1);
    const labels = seededWatershed3d(relief, mask, w, h, d, ISBI, [10 * w + 3, 10 * w + 36]);
    let wrong = 0;
    for (let z = 0; z < d; z++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (Math.abs(x - wall(y)) <= 1) continue;
          const expected = x < wall(y) ? 1 : 2;
          if (labels[(z * h + y) * w + x] !== expected) wrong++;
        }
      }
    }
    expect(wrong).toBe(0);
  });

  it('leaves voxels outside the mask and voxels no seed reaches at 0', () => {
    const [w, h, d] = [6, 1, 1];
    const mask = Uint8Array.from([1, 1, 0, 1, 1, 1]);
    const labels = seededWatershed3d(new Uint8Array(6), mask, w, h, d, ISBI, [0, 1]);
    expect([...labels]).toEqual([1, 2, 0, 0, 0, 0]);
  });

  it('counts a slice step as its physical length, so flat ground is shared as in nanometres', () => {
    // A column 1 × 1 wide, 3 pixels long in x, 3 slices deep: seed A at (0, z 0), seed B at
    // (2, z 1). Voxel (0, z 1) is 50 nm from A and 8 nm from B: B's, though both are one step.
    const [w, h, d] = [3, 1, 3];
    const mask = new Uint8Array(w * h * d).fill(1);
    const labels = seededWatershed3d(new Uint8Array(w * h * d), mask, w, h, d, ISBI, [0, 1 * w + 2]);
    expect(labels[1 * w + 0]).toBe(2);
    // Isotropic spacing: the same voxel is one step from each, and A's path is found first.
    const isotropic = seededWatershed3d(new Uint8Array(w * h * d), mask, w, h, d, { x: 4, y: 4, z: 4 }, [0, 1 * w + 2]);
    expect(isotropic[1 * w + 0]).toBe(1);
  });

  it('crosses slices: a seed reaches the parts of its cell in other slices before the membrane', () => {
    // Slices 0 and 1: left cell x < 5, right cell x > 5, membrane at x = 5 (probability 250);
    // one seed per cell in slice 1. Slice 0 follows the membrane too.
    const [w, h, d] = [11, 3, 2];
    const relief = volume(w, h, d, (x) => (x === 5 ? 250 : 0));
    const mask = new Uint8Array(w * h * d).fill(1);
    const labels = seededWatershed3d(relief, mask, w, h, d, ISBI, [w * h + w + 1, w * h + w + 9]);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (x === 5) continue;
        expect(labels[y * w + x]).toBe(x < 5 ? 1 : 2);
      }
    }
  });

  it('refuses a seed outside the region and two seeds on one voxel', () => {
    const mask = Uint8Array.from([1, 0, 1]);
    expect(() => seededWatershed3d(new Uint8Array(3), mask, 3, 1, 1, ISBI, [0, 1])).toThrow(/seed 2 \(voxel 1\) is not inside/);
    expect(() => seededWatershed3d(new Uint8Array(3), mask, 3, 1, 1, ISBI, [2, 2])).toThrow(/same voxel/);
    expect(() => seededWatershed3d(new Uint8Array(3), mask, 3, 1, 1, { x: 4, y: 0, z: 50 }, [0, 2])).toThrow(/along y/);
  });
});
