import { describe, expect, it } from 'vitest';
import { segmentStats } from './segmentStats.js';

describe('segmentStats', () => {
  // 3 × 2 × 3: id 1 in slices 0 and 2 (not 1), id 4 in slice 1 only.
  const ids = Uint32Array.from([
    1, 1, 0,
    0, 0, 0,

    0, 4, 4,
    0, 4, 0,

    0, 0, 0,
    1, 0, 0,
  ]);

  it('counts voxels, physical volume, slices and bounds per id', () => {
    const stats = segmentStats(ids, 3, 2, 3, { x: 4, y: 4, z: 50, unit: 'nm' });
    expect(stats.map((s) => s.id)).toEqual([1, 4]);
    const [one, four] = stats as [(typeof stats)[0], (typeof stats)[0]];
    expect(one).toMatchObject({ voxels: 3, slices: 2, firstSlice: 0, lastSlice: 2, bbox: { minX: 0, minY: 0, minZ: 0, maxX: 1, maxY: 1, maxZ: 2 } });
    expect(one.volume).toBeCloseTo((3 * 4 * 4 * 50) / 1e9, 15);
    expect(four).toMatchObject({ voxels: 3, slices: 1, firstSlice: 1, lastSlice: 1, bbox: { minX: 1, minY: 0, minZ: 1, maxX: 2, maxY: 1, maxZ: 1 } });
  });

  it('converts µm voxel sizes, gives null volumes for pixel units, and handles sparse ids', () => {
    expect(segmentStats(ids, 3, 2, 3, { x: 0.004, y: 0.004, z: 0.05, unit: 'µm' })[0]!.volume).toBeCloseTo((3 * 4 * 4 * 50) / 1e9, 15);
    expect(segmentStats(ids, 3, 2, 3, { x: 1, y: 1, z: 1, unit: 'px' })[0]!.volume).toBeNull();
    const sparse = ids.map((id) => (id === 4 ? 4_000_000_000 : id));
    const stats = segmentStats(sparse, 3, 2, 3, { x: 4, y: 4, z: 50, unit: 'nm' });
    expect(stats.map((s) => [s.id, s.voxels])).toEqual([
      [1, 3],
      [4_000_000_000, 3],
    ]);
  });
});
