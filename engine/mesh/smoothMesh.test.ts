import { describe, expect, it } from 'vitest';
import { marchingCubes } from './marchingCubes.js';
import { isManifold, signedVolume } from './meshChecks.js';
import { neuronMask } from './neuronMask.js';
import { smoothMesh } from './smoothMesh.js';
import { boxVolume } from './testing/shapes.js';

const box = boxVolume(12, 12, 12);
const mesh = marchingCubes(neuronMask(box.ids, box.width, box.height, 1, { min: [2, 2, 2], max: [13, 13, 13], voxels: 12 ** 3 }), { x: 1, y: 1, z: 1 });

describe('smoothMesh', () => {
  it('moves vertices only, keeping the triangles (so closedness) and roughly the volume', () => {
    const smooth = smoothMesh(mesh, 8);
    expect(smooth.indices).toBe(mesh.indices);
    expect(smooth.positions).not.toEqual(mesh.positions);
    expect(isManifold(smooth)).toBe(true);
    // A box rounds off at its edges and corners; Taubin's μ step keeps it from shrinking much.
    expect(signedVolume(smooth) / signedVolume(mesh)).toBeGreaterThan(0.97);
    expect(signedVolume(smooth) / signedVolume(mesh)).toBeLessThan(1.01);
  });

  it('returns the mesh itself for 0 iterations and refuses fractions or negatives', () => {
    expect(smoothMesh(mesh, 0)).toBe(mesh);
    expect(() => smoothMesh(mesh, 1.5)).toThrow(/whole number, 0 or more, not 1.5/);
    expect(() => smoothMesh(mesh, -1)).toThrow(/not -1/);
  });
});
