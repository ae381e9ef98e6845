import { describe, expect, it } from 'vitest';
import { marchingCubes } from './marchingCubes.js';
import { meshNeuron } from './meshNeuron.js';
import { isClosed, isManifold, signedVolume } from './meshChecks.js';
import type { Mesh } from './Mesh.js';
import { neuronMask } from './neuronMask.js';
import { restoreVolume } from './restoreVolume.js';
import { sliceCrossings } from './sliceCrossings.js';
import { sliceDistances } from './sliceDistances.js';
import { labelVolume } from './testing/labelVolume.js';
import { sphereVolume } from './testing/shapes.js';

const EM = { x: 4, y: 4, z: 50 };

/**
 * A neurite running obliquely through thick slices: a cylinder of radius 80 nm whose axis leans
 * `tilt` degrees from z, clipped by the volume, at EM's 4 × 4 × 50 nm. Its true surface is known,
 * so a mesh's error is each vertex's distance from it.
 */
function obliqueNeurite(tilt: number) {
  const [width, height, depth, radius] = [140, 60, 24, 80];
  const axis = [Math.sin((tilt * Math.PI) / 180), 0, Math.cos((tilt * Math.PI) / 180)] as const;
  const centre = [(width * EM.x) / 2, (height * EM.y) / 2, (depth * EM.z) / 2] as const;
  const fromAxis = (x: number, y: number, z: number): number => {
    const [dx, dy, dz] = [x - centre[0], y - centre[1], z - centre[2]];
    const along = dx * axis[0] + dy * axis[1] + dz * axis[2];
    return Math.hypot(dx - along * axis[0], dy - along * axis[1], dz - along * axis[2]);
  };
  const volume = labelVolume(width, height, depth, (x, y, z) => (fromAxis((x + 0.5) * EM.x, (y + 0.5) * EM.y, (z + 0.5) * EM.z) <= radius ? 1 : 0));
  /** Root mean square distance (nm) of the vertices from the true surface, away from the clipped ends. */
  const surfaceError = (mesh: Mesh): number => {
    let sum = 0;
    let count = 0;
    for (let v = 0; v < mesh.positions.length; v += 3) {
      const [x, y, z] = [mesh.positions[v]!, mesh.positions[v + 1]!, mesh.positions[v + 2]!];
      if (z < 3 * EM.z || z > (depth - 3) * EM.z) continue;
      sum += (fromAxis(x, y, z) - radius) ** 2;
      count++;
    }
    return Math.sqrt(sum / count);
  };
  return { volume, surfaceError };
}

/** Share of the surface area facing straight up or down (within 10°): the treads of a staircase. */
function treadShare(mesh: Mesh): number {
  const { positions: p, indices } = mesh;
  let flat = 0;
  let total = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const [a, b, c] = [indices[t]! * 3, indices[t + 1]! * 3, indices[t + 2]! * 3];
    const [ux, uy, uz] = [p[b]! - p[a]!, p[b + 1]! - p[a + 1]!, p[b + 2]! - p[a + 2]!];
    const [vx, vy, vz] = [p[c]! - p[a]!, p[c + 1]! - p[a + 1]!, p[c + 2]! - p[a + 2]!];
    const [nx, ny, nz] = [uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx];
    const area = Math.hypot(nx, ny, nz);
    total += area;
    if (Math.abs(nz) > Math.cos((10 * Math.PI) / 180) * area) flat += area;
  }
  return flat / total;
}

describe('sliceDistances', () => {
  it('gives each voxel its exact in-slice distance to the outline, signed and clamped', () => {
    const mask = { data: new Uint8Array(9 * 7 * 3), width: 9, height: 7, depth: 3, origin: [0, 0, 0] as const };
    let seed = 7;
    for (let p = 9 * 7; p < 2 * 9 * 7; p++) mask.data[p] = (seed = (seed * 48271) % 2147483647) % 3 === 0 ? 1 : 0;
    const size = { x: 3, y: 5, z: 40 };
    const distances = sliceDistances(mask, size, 12);
    for (let y = 0; y < 7; y++) {
      for (let x = 0; x < 9; x++) {
        const at = 9 * 7 + y * 9 + x;
        let nearest = Infinity;
        for (let y2 = 0; y2 < 7; y2++) for (let x2 = 0; x2 < 9; x2++) if (mask.data[9 * 7 + y2 * 9 + x2] !== mask.data[at]) nearest = Math.min(nearest, Math.hypot((x - x2) * 3, (y - y2) * 5));
        const expected = Math.min(nearest - 1.5, 12) * (mask.data[at] ? -1 : 1);
        expect(distances[at]).toBeCloseTo(expected, 4);
      }
    }
    // Slices 0 and 2 hold no inside voxel: everything is as far out as the reach.
    expect(distances[0]).toBe(12);
    expect(distances[2 * 9 * 7 + 5]).toBe(12);
    expect(() => sliceDistances(mask, size, 0)).toThrow(/reach must be a positive number of nanometres, not 0/);
  });
});

describe('meshNeuron with interpolateSlices', () => {
  for (const tilt of [30, 60, 80]) {
    it(`turns the staircase of a neurite leaning ${tilt}° through 50 nm slices into a slope, keeping its triangles and volume`, async () => {
      const { volume, surfaceError } = obliqueNeurite(tilt);
      const args = [volume.ids, volume.width, volume.height, volume.depth, EM, 1] as const;
      const stepped = await meshNeuron(...args);
      const sloped = await meshNeuron(...args, { interpolateSlices: true });
      const smoothed = await meshNeuron(...args, { interpolateSlices: true, smoothing: 10 });
      // The same vertices on the same edges, only moved along them: closed and manifold as before.
      expect(sloped.indices).toEqual(stepped.indices);
      expect(sloped.positions.length).toBe(stepped.positions.length);
      expect(isClosed(smoothed) && isManifold(smoothed)).toBe(true);
      // Measured (sloped; smoothed): 5.9 → 3.0; 2.9 nm at 30°, 10.5 → 5.0; 5.1 at 60°, 11.7 → 6.6; 6.7 at 80°.
      expect(surfaceError(sloped)).toBeLessThan(0.62 * surfaceError(stepped));
      expect(surfaceError(smoothed)).toBeLessThan(0.65 * surfaceError(stepped));
      // Treads (flat area) are most of what a staircase adds; a sloped surface has few.
      // Measured: 16 % → 0.2 % at 30°, 31 % → 0.4 % at 60°, 39 % → 4 % at 80°.
      expect(treadShare(smoothed)).toBeLessThan(0.2 * treadShare(stepped));
      const voxels = volume.ids.reduce((sum, id) => sum + id, 0) * EM.x * EM.y * EM.z;
      // restoreVolume gives back what the slopes and smoothing took (plain marching cubes: −0.4 to −0.6 %).
      expect(Math.abs(signedVolume(smoothed) / voxels - 1)).toBeLessThan(0.002);
    });
  }

  it('rounds a neuron one slice thick into a closed lens within its slab and its outline', async () => {
    const disc = labelVolume(40, 40, 5, (x, y, z) => (z === 2 && Math.hypot(x - 19.5, y - 19.5) < 15 ? 1 : 0));
    const mesh = await meshNeuron(disc.ids, 40, 40, 5, EM, 1, { interpolateSlices: true, smoothing: 10 });
    expect(isClosed(mesh) && isManifold(mesh)).toBe(true);
    let thickest = 0;
    for (let v = 0; v < mesh.positions.length; v += 3) {
      const [x, y, z] = [mesh.positions[v]!, mesh.positions[v + 1]!, mesh.positions[v + 2]!];
      expect(z).toBeGreaterThan(1.5 * EM.z);
      expect(z).toBeLessThan(3.5 * EM.z);
      // The voxels reach 15 pixels from the centre; one pixel of offset gives the volume back.
      expect(Math.hypot(x / EM.x - 20, y / EM.y - 20)).toBeLessThan(16.5);
      if (Math.hypot(x / EM.x - 20, y / EM.y - 20) < 3) thickest = Math.max(thickest, Math.abs(z - 2.5 * EM.z));
    }
    // The middle keeps (nearly) the slab's thickness; the rim thins towards it.
    expect(thickest).toBeGreaterThan(0.4 * EM.z);
  });

  it('keeps crossings within slices halfway, as plain marching cubes puts them', () => {
    const ball = sphereVolume(120, EM);
    const mask = neuronMask(ball.ids, ball.width, ball.height, 1, { min: [0, 0, 0], max: [ball.width - 1, ball.height - 1, ball.depth - 1], voxels: 0 });
    const crossing = sliceCrossings(mask, EM);
    expect(crossing(0, 3, 4, 2)).toBe(0.5);
    expect(crossing(1, 3, 4, 2)).toBe(0.5);
    const plain = marchingCubes(mask, EM);
    const sloped = marchingCubes(mask, EM, crossing);
    for (let v = 0; v < plain.positions.length; v += 3) {
      expect(sloped.positions[v]).toBe(plain.positions[v]);
      expect(sloped.positions[v + 1]).toBe(plain.positions[v + 1]);
      // Only z moves, and by less than half a slice either way: each vertex stays on its edge.
      expect(Math.abs(sloped.positions[v + 2]! - plain.positions[v + 2]!)).toBeLessThan(EM.z / 2);
    }
  });
});

describe('restoreVolume', () => {
  it('moves the surface out along its normals until the volume is the target, within the limit', () => {
    const ball = sphereVolume(10, { x: 1, y: 1, z: 1 });
    const mask = neuronMask(ball.ids, ball.width, ball.height, 1, { min: [0, 0, 0], max: [ball.width - 1, ball.height - 1, ball.depth - 1], voxels: 0 });
    const mesh = marchingCubes(mask, { x: 1, y: 1, z: 1 });
    const volume = signedVolume(mesh);
    expect(signedVolume(restoreVolume(mesh, volume * 1.05, 1)) / volume).toBeCloseTo(1.05, 3);
    expect(signedVolume(restoreVolume(mesh, volume * 0.97, 1)) / volume).toBeCloseTo(0.97, 3);
    // A ball of radius 10 grows by about a third for one unit out: the limit stops it there.
    const limited = signedVolume(restoreVolume(mesh, volume * 2, 1)) / volume;
    expect(limited).toBeGreaterThan(1.25);
    expect(limited).toBeLessThan(1.4);
    expect(restoreVolume(mesh, volume, 1).indices).toBe(mesh.indices);
    expect(() => restoreVolume(mesh, Number.NaN, 1)).toThrow(/positive number of nm³, not NaN/);
  });
});
