import { describe, expect, it } from 'vitest';
import { marchingCubes } from './marchingCubes.js';
import { MARCHING_CUBES_TABLE } from './marchingCubesTable.js';
import { isManifold, meshTopology, signedVolume } from './meshChecks.js';
import { neuronMask } from './neuronMask.js';
import { neuronBounds } from './neuronBounds.js';
import { labelVolume, type LabelVolume } from './testing/labelVolume.js';

const UNIT = { x: 1, y: 1, z: 1 };

function meshOf(volume: LabelVolume, id = 1, voxelSize = UNIT) {
  const bounds = neuronBounds(volume.ids, volume.width, volume.height, volume.depth).get(id)!;
  return marchingCubes(neuronMask(volume.ids, volume.width, volume.height, id, bounds), voxelSize);
}

/** A seeded pseudo-random generator, so failures can be reproduced. */
function random(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('the marching cubes table', () => {
  it('has at most 5 triangles per case and none for empty or full cubes', () => {
    const { start } = MARCHING_CUBES_TABLE;
    expect(start[1]! - start[0]!).toBe(0);
    expect(start[256]! - start[255]!).toBe(0);
    for (let config = 1; config < 255; config++) {
      const count = (start[config + 1]! - start[config]!) / 3;
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(5);
    }
  });

  it('gives a closed, manifold, outward surface for each of the 254 cases alone', () => {
    for (let config = 1; config < 255; config++) {
      const volume = labelVolume(2, 2, 2, (x, y, z) => ((config >> (x + 2 * y + 4 * z)) & 1 ? 1 : 0));
      const mesh = meshOf(volume);
      expect({ config, manifold: isManifold(mesh) }).toEqual({ config, manifold: true });
      expect(signedVolume(mesh)).toBeGreaterThan(0);
    }
  });

  it('stays closed and manifold on random masks, ambiguous faces included (both the mask and its complement)', () => {
    const next = random(7);
    for (let trial = 0; trial < 150; trial++) {
      const density = 0.2 + 0.6 * next();
      const volume = labelVolume(7, 6, 5, () => (next() < density ? 1 : 2));
      for (const id of [1, 2]) {
        if (!volume.ids.includes(id)) continue;
        const mesh = meshOf(volume, id, { x: 4, y: 4, z: 50 });
        expect({ trial, id, manifold: isManifold(mesh) }).toEqual({ trial, id, manifold: true });
        expect(signedVolume(mesh)).toBeGreaterThan(0);
      }
    }
  });
});

describe('marchingCubes', () => {
  it('makes an octahedron of a single voxel, with corners on the voxel faces', () => {
    const volume = labelVolume(3, 3, 3, (x, y, z) => (x === 1 && y === 1 && z === 1 ? 1 : 0));
    const mesh = meshOf(volume, 1, { x: 4, y: 4, z: 50 });
    expect(mesh.positions.length / 3).toBe(6);
    expect(mesh.indices.length / 3).toBe(8);
    expect(isManifold(mesh)).toBe(true);
    // Voxel (1, 1, 1) spans [4, 8) × [4, 8) × [50, 100) nm; the octahedron touches its faces.
    const xs = [...mesh.positions.filter((_, n) => n % 3 === 0)].sort((a, b) => a - b);
    expect([xs[0], xs[5]]).toEqual([4, 8]);
    const zs = [...mesh.positions.filter((_, n) => n % 3 === 2)].sort((a, b) => a - b);
    expect([zs[0], zs[5]]).toEqual([50, 100]);
    // An octahedron with half-diagonals of half a voxel: a sixth of the voxel.
    expect(signedVolume(mesh)).toBeCloseTo((4 * 4 * 50) / 6, 6);
  });

  it('keeps voxels that touch only at an edge or a corner apart (6-connected inside)', () => {
    const diagonal = labelVolume(4, 4, 3, (x, y, z) => (z === 1 && ((x === 1 && y === 1) || (x === 2 && y === 2)) ? 1 : 0));
    expect(meshTopology(meshOf(diagonal)).components).toBe(2);
    const corner = labelVolume(4, 4, 4, (x, y, z) => ((x === 1 && y === 1 && z === 1) || (x === 2 && y === 2 && z === 2) ? 1 : 0));
    expect(meshTopology(meshOf(corner)).components).toBe(2);
  });

  it('scales each axis by its voxel size', () => {
    const volume = labelVolume(6, 5, 4, (x, y, z) => ((x * 7 + y * 3 + z * 5) % 4 === 0 || (x > 1 && x < 4 && y > 1) ? 1 : 0));
    const unit = meshOf(volume);
    const anisotropic = meshOf(volume, 1, { x: 4, y: 4, z: 50 });
    expect(anisotropic.indices).toEqual(unit.indices);
    expect(anisotropic.positions).toEqual(unit.positions.map((value, n) => value * [4, 4, 50][n % 3]!));
  });
});
