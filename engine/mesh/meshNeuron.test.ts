import { describe, expect, it } from 'vitest';
import type { Mesh, VoxelSizeNm } from './Mesh.js';
import { isManifold, meshTopology, signedVolume } from './meshChecks.js';
import { meshNeuron, type MeshNeuronOptions } from './meshNeuron.js';
import { neuronBounds } from './neuronBounds.js';
import { countVoxels, labelVolume, type LabelVolume } from './testing/labelVolume.js';
import { boxVolume, hollowSphereVolume, sphereVolume, torusVolume } from './testing/shapes.js';

const UNIT = { x: 1, y: 1, z: 1 };
const ISBI = { x: 4, y: 4, z: 50 };

function meshOf(volume: LabelVolume, voxelSize: VoxelSizeNm = UNIT, options: MeshNeuronOptions = {}, id = 1): Promise<Mesh> {
  return meshNeuron(volume.ids, volume.width, volume.height, volume.depth, voxelSize, id, options);
}

/** Enclosed volume relative to the voxels' volume, minus 1: -0.01 is 1 % less. */
function volumeError(mesh: Mesh, volume: LabelVolume, voxelSize: VoxelSizeNm = UNIT, id = 1): number {
  return signedVolume(mesh) / (countVoxels(volume, id) * voxelSize.x * voxelSize.y * voxelSize.z) - 1;
}

/**
 * Volume tolerance. Marching cubes on a binary mask puts flat walls exactly on the voxel faces,
 * but cuts every convex voxel edge by a triangle with legs of half a voxel (1/8 voxel² per voxel
 * of edge) and fills concave edges by as much. A cube n voxels across loses about 1.5/n² of its
 * volume: measured -1.43 % at n = 10, -0.37 % at 20, -0.09 % at 40 (-5.5 % at 5); voxelized balls
 * -2.2 % at 10 voxels across, -0.56 % at 20, -0.14 % at 40. So: 2.5 % from 10 voxels across.
 */
const VOLUME_TOLERANCE = 0.025;

describe('meshNeuron on synthetic shapes', () => {
  it('meshes a box of voxels closed and outward, walls on the voxel faces', async () => {
    const volume = boxVolume(12, 10, 10);
    const mesh = await meshOf(volume, ISBI);
    expect(isManifold(mesh)).toBe(true);
    expect(meshTopology(mesh)).toEqual({ components: 1, eulerCharacteristic: 2 });
    const error = volumeError(mesh, volume, ISBI);
    expect(error).toBeLessThan(0);
    expect(Math.abs(error)).toBeLessThan(VOLUME_TOLERANCE);
    // Voxels 2..13 along x are [8, 56) nm; 2..11 along z are [100, 600) nm.
    const x = mesh.positions.filter((_, n) => n % 3 === 0);
    const z = mesh.positions.filter((_, n) => n % 3 === 2);
    expect([Math.min(...x), Math.max(...x), Math.min(...z), Math.max(...z)]).toEqual([8, 56, 100, 600]);
  });

  it('meshes a voxelized ball as a sphere (genus 0) within the tolerance, isotropic and at 4 × 4 × 50 nm', async () => {
    for (const [radius, voxelSize] of [
      [5, UNIT],
      [10, UNIT],
      [400, ISBI], // 200 voxels across in x and y, 16 slices
    ] as const) {
      const volume = sphereVolume(radius, voxelSize);
      const mesh = await meshOf(volume, voxelSize);
      expect(isManifold(mesh)).toBe(true);
      expect(meshTopology(mesh)).toEqual({ components: 1, eulerCharacteristic: 2 });
      expect(Math.abs(volumeError(mesh, volume, voxelSize))).toBeLessThan(VOLUME_TOLERANCE);
    }
  });

  it('meshes a torus with genus 1', async () => {
    const volume = torusVolume(12, 5);
    const mesh = await meshOf(volume);
    expect(isManifold(mesh)).toBe(true);
    expect(meshTopology(mesh)).toEqual({ components: 1, eulerCharacteristic: 0 });
    expect(Math.abs(volumeError(mesh, volume))).toBeLessThan(VOLUME_TOLERANCE);
  });

  it('meshes a neuron with a closed cavity as two shells, the inner one facing into the cavity', async () => {
    const volume = hollowSphereVolume(12, 6);
    const mesh = await meshOf(volume);
    expect(isManifold(mesh)).toBe(true);
    expect(meshTopology(mesh)).toEqual({ components: 2, eulerCharacteristic: 4 });
    // Outer ball minus cavity: the shell's own voxels.
    expect(Math.abs(volumeError(mesh, volume))).toBeLessThan(VOLUME_TOLERANCE);
    const solid = await meshOf(sphereVolume(12, UNIT));
    expect(signedVolume(mesh)).toBeLessThan(signedVolume(solid) * 0.95);
  });

  it('meshes two touching neurons each closed, sharing the wall between them exactly', async () => {
    const volume = labelVolume(24, 14, 14, (x, y, z) => (y < 2 || y >= 12 || z < 2 || z >= 12 || x < 2 || x >= 22 ? 0 : x < 12 ? 1 : 2));
    const [first, second] = [await meshOf(volume, ISBI, {}, 1), await meshOf(volume, ISBI, {}, 2)];
    for (const [mesh, id] of [
      [first, 1],
      [second, 2],
    ] as const) {
      expect(isManifold(mesh)).toBe(true);
      expect(Math.abs(volumeError(mesh, volume, ISBI, id))).toBeLessThan(VOLUME_TOLERANCE);
    }
    // The wall between voxel x = 11 and x = 12 is at 12 × 4 nm; both meshes put the same vertices there.
    const onWall = (mesh: Mesh) =>
      [...Array(mesh.positions.length / 3).keys()]
        .filter((v) => mesh.positions[v * 3] === 48)
        .map((v) => `${mesh.positions[v * 3 + 1]} ${mesh.positions[v * 3 + 2]}`)
        .sort();
    expect(onWall(first).length).toBeGreaterThan(50);
    expect(onWall(first)).toEqual(onWall(second));
  });

  it('meshes a single voxel as an octahedron of a sixth of its volume', async () => {
    const volume = labelVolume(5, 5, 5, (x, y, z) => (x === 2 && y === 3 && z === 1 ? 1 : 0));
    const mesh = await meshOf(volume, ISBI);
    expect(isManifold(mesh)).toBe(true);
    expect(mesh.indices.length / 3).toBe(8);
    expect(signedVolume(mesh)).toBeCloseTo((4 * 4 * 50) / 6, 6);
  });

  it('meshes a neuron one slice thick as a closed slab 50 nm thick', async () => {
    // The rim of a one-voxel slab is a wedge: it loses about a quarter voxel per voxel of rim
    // (-5 % for 20 × 20 voxels, -1 % for 100 × 100; measured).
    const volume = boxVolume(20, 20, 1);
    const mesh = await meshOf(volume, ISBI);
    expect(isManifold(mesh)).toBe(true);
    const z = mesh.positions.filter((_, n) => n % 3 === 2);
    expect([Math.min(...z), Math.max(...z)]).toEqual([100, 150]);
    expect(volumeError(mesh, volume, ISBI)).toBeGreaterThan(-0.06);
    expect(volumeError(mesh, volume, ISBI)).toBeLessThan(0);
  });

  it('closes neurons that touch the edge of the volume', async () => {
    const volume = labelVolume(6, 5, 4, () => 1);
    const mesh = await meshOf(volume, ISBI);
    expect(isManifold(mesh)).toBe(true);
    const x = mesh.positions.filter((_, n) => n % 3 === 0);
    expect([Math.min(...x), Math.max(...x)]).toEqual([0, 24]);
  });

  it('gives an empty mesh for an id with no voxel, and the same mesh with or without bounds', async () => {
    const volume = torusVolume(6, 3);
    expect((await meshOf(volume, UNIT, {}, 5)).indices.length).toBe(0);
    const bounds = neuronBounds(volume.ids, volume.width, volume.height, volume.depth).get(1)!;
    expect(await meshOf(volume, UNIT, { bounds })).toEqual(await meshOf(volume));
  });

  it('refuses bounds outside the volume and voxel sizes that are not positive, naming the value', async () => {
    const volume = torusVolume(6, 3);
    await expect(meshOf(volume, UNIT, { bounds: { min: [0, 0, 0], max: [volume.width, 3, 3], voxels: 1 } })).rejects.toThrow(/not inside the .* volume; take them from neuronBounds/);
    await expect(meshOf(volume, { x: 4, y: 0, z: 50 })).rejects.toThrow(/voxel size along y must be a positive number of nanometres, not 0/);
    await expect(meshNeuron(volume.ids, volume.width + 1, volume.height, volume.depth, UNIT, 1)).rejects.toThrow(/holds \d+ voxels, but .* were expected/);
  });
});

describe('meshNeuron smoothing and decimation', () => {
  it('smooths a ball rounder while keeping it closed and its volume within 2 %', async () => {
    const volume = sphereVolume(10, UNIT);
    const raw = await meshOf(volume);
    const smooth = await meshOf(volume, UNIT, { smoothing: 10 });
    expect(isManifold(smooth)).toBe(true);
    expect(Math.abs(volumeError(smooth, volume))).toBeLessThan(0.02);
    expect(radiusSpread(smooth)).toBeLessThan(radiusSpread(raw) * 0.7);
  });

  it('decimates closed and manifold, to about the ratio asked, with the volume within 2 %', async () => {
    for (const [volume, voxelSize] of [
      [sphereVolume(10, UNIT), UNIT],
      [torusVolume(12, 5), UNIT],
      [hollowSphereVolume(12, 6), UNIT],
      [sphereVolume(600, ISBI), ISBI],
    ] as const) {
      const raw = await meshOf(volume, voxelSize);
      const decimated = await meshOf(volume, voxelSize, { smoothing: 5, decimate: 0.25 });
      expect(isManifold(decimated)).toBe(true);
      expect(meshTopology(decimated)).toEqual(meshTopology(raw));
      expect(decimated.indices.length).toBeLessThan(raw.indices.length * 0.3);
      expect(Math.abs(volumeError(decimated, volume, voxelSize))).toBeLessThan(0.02);
    }
  });
});

/** Standard deviation of the vertices' distance from their mean, relative to the mean distance. */
function radiusSpread(mesh: Mesh): number {
  const count = mesh.positions.length / 3;
  const centre = [0, 1, 2].map((axis) => mesh.positions.filter((_, n) => n % 3 === axis).reduce((sum, value) => sum + value, 0) / count);
  const radii = Array.from({ length: count }, (_, v) => Math.hypot(...[0, 1, 2].map((axis) => mesh.positions[v * 3 + axis]! - centre[axis]!)));
  const mean = radii.reduce((sum, value) => sum + value, 0) / count;
  return Math.sqrt(radii.reduce((sum, value) => sum + (value - mean) ** 2, 0) / count) / mean;
}
