import { describe, expect, it } from 'vitest';
import { neuronBounds, type NeuronBounds } from './neuronBounds.js';
import { labelVolume } from './testing/labelVolume.js';

/** The bounds by looking at every voxel on its own. */
function bruteForce(ids: Uint32Array, width: number, height: number): Map<number, NeuronBounds> {
  const result = new Map<number, NeuronBounds>();
  ids.forEach((id, at) => {
    if (id === 0) return;
    const point = [at % width, Math.floor(at / width) % height, Math.floor(at / (width * height))] as [number, number, number];
    const entry = result.get(id) ?? { min: [...point], max: [...point], voxels: 0 };
    for (let axis = 0; axis < 3; axis++) {
      entry.min[axis] = Math.min(entry.min[axis]!, point[axis]!);
      entry.max[axis] = Math.max(entry.max[axis]!, point[axis]!);
    }
    entry.voxels++;
    result.set(id, entry);
  });
  return result;
}

describe('neuronBounds', () => {
  it('finds each id’s inclusive bounding box and voxel count, leaving out 0', () => {
    const volume = labelVolume(5, 4, 3, (x, y, z) => (z === 1 && x >= 1 && x <= 3 && y === 2 ? 7 : x === 4 ? 9 : 0));
    const bounds = neuronBounds(volume.ids, 5, 4, 3);
    expect([...bounds.keys()].sort()).toEqual([7, 9]);
    expect(bounds.get(7)).toEqual({ min: [1, 2, 1], max: [3, 2, 1], voxels: 3 });
    expect(bounds.get(9)).toEqual({ min: [4, 0, 0], max: [4, 3, 2], voxels: 12 });
  });

  it('agrees with a voxel-by-voxel count on random volumes with runs and large ids', () => {
    let seed = 3;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 20; trial++) {
      let current = 0;
      const volume = labelVolume(17, 9, 6, () => (next() < 0.3 ? (current = [0, 1, 2, 4000000000, 12345][Math.floor(next() * 5)]!) : current));
      expect(neuronBounds(volume.ids, 17, 9, 6)).toEqual(bruteForce(volume.ids, 17, 9));
    }
  });

  it('names the sizes when the volume does not match them', () => {
    expect(() => neuronBounds(new Uint32Array(10), 3, 3, 1)).toThrow(/holds 10 voxels, but 3 × 3 × 1 = 9 were expected/);
    expect(() => neuronBounds(new Uint32Array(0), 0, 3, 1)).toThrow(/width must be a whole number of voxels, at least 1, not 0/);
  });
});
