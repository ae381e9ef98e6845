import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportNeuronMeshes } from './exportNeuronMeshes.js';
import { readPrecomputed } from './testing/readPrecomputed.js';
import { sampleMeshes } from './testing/sampleMeshes.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'membrana-export-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const ISBI = { x: 4, y: 4, z: 50 };

describe('exportNeuronMeshes', () => {
  it('writes one file per neuron, or a scene, and reports neurons and triangles', async () => {
    const { volume, meshes } = await sampleMeshes();
    const triangles = [...meshes.values()].reduce((sum, mesh) => sum + mesh.indices.length / 3, 0);
    const folder = path.join(tmp, 'ply');
    const summary = await exportNeuronMeshes({ ...volume, voxelSize: ISBI }, folder, { format: 'ply' });
    expect(summary).toEqual({ neurons: 3, triangles, files: ['neuron-3.ply', 'neuron-17.ply', 'neuron-4000000000.ply'].map((name) => path.join(folder, name)) });
    const scene = await exportNeuronMeshes({ ...volume, voxelSize: ISBI }, folder, { format: 'glb', scene: true, name: 'segments', ids: [17, 3] });
    expect(scene.neurons).toBe(2);
    expect((await readdir(folder)).sort()).toEqual(['neuron-17.ply', 'neuron-3.ply', 'neuron-4000000000.ply', 'segments.glb']);
  });

  it('writes a precomputed dataset as the folder itself', async () => {
    const { volume } = await sampleMeshes();
    const folder = path.join(tmp, 'precomputed');
    await exportNeuronMeshes({ ...volume, voxelSize: ISBI }, folder, { format: 'precomputed', decimate: 0.5 });
    const read = await readPrecomputed(folder);
    expect(read.ids).toEqual(volume.ids);
    expect([...read.meshes.keys()].sort((a, b) => a - b)).toEqual([3, 17, 4000000000]);
  });

  it('checks the folder before meshing, and leaves nothing when there is nothing to export or it is cancelled', async () => {
    const { volume } = await sampleMeshes();
    const segmentation = { ...volume, voxelSize: ISBI };
    await expect(exportNeuronMeshes(segmentation, path.join(tmp, 'precomputed'), { format: 'precomputed' })).rejects.toMatchObject({ code: 'FOLDER_NOT_EMPTY' });
    await expect(exportNeuronMeshes(segmentation, path.join(tmp, 'none'), { format: 'obj', ids: [5, 6] })).rejects.toMatchObject({
      code: 'NO_NEURONS',
      message: expect.stringMatching(/none of the neurons 5, 6/),
    });
    const controller = new AbortController();
    controller.abort();
    await expect(exportNeuronMeshes(segmentation, path.join(tmp, 'cancelled'), { format: 'stl', signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await readdir(tmp)).sort()).toEqual(['ply', 'precomputed']);
  });

  it('refuses micrometres for precomputed, which Neuroglancer reads in nanometres', async () => {
    const { volume } = await sampleMeshes();
    await expect(exportNeuronMeshes({ ...volume, voxelSize: ISBI }, path.join(tmp, 'um'), { format: 'precomputed', units: 'um' })).rejects.toThrow(/always in nanometres/);
  });
});
