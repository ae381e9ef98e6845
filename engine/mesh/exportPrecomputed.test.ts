import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPrecomputed } from './exportPrecomputed.js';
import { readPrecomputed } from './testing/readPrecomputed.js';
import { sampleMeshes } from './testing/sampleMeshes.js';
import { writeFolderAtomic } from './writeFolderAtomic.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'membrana-precomputed-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('exportPrecomputed', () => {
  it('lays out info, chunks cut at the far edges, and legacy meshes as Neuroglancer expects', async () => {
    const { volume, meshes } = await sampleMeshes();
    const files = exportPrecomputed({ ...volume, voxelSize: { x: 4, y: 4, z: 50 } }, meshes);
    const info = JSON.parse(new TextDecoder().decode(files.get('info')));
    expect(info).toEqual({
      '@type': 'neuroglancer_multiscale_volume',
      type: 'segmentation',
      data_type: 'uint32',
      num_channels: 1,
      mesh: 'mesh',
      scales: [{ key: '4_4_50', size: [70, 40, 20], resolution: [4, 4, 50], voxel_offset: [0, 0, 0], chunk_sizes: [[64, 64, 16]], encoding: 'raw' }],
    });
    const chunks = [...files.keys()].filter((name) => name.startsWith('4_4_50/')).sort();
    expect(chunks).toEqual(['4_4_50/0-64_0-40_0-16', '4_4_50/0-64_0-40_16-20', '4_4_50/64-70_0-40_0-16', '4_4_50/64-70_0-40_16-20']);
    expect(files.get('4_4_50/64-70_0-40_16-20')!.length).toBe(6 * 40 * 4 * 4);
    // The first voxel of that chunk, (64, 0, 16), little-endian, and the single-voxel neuron at (65, 5, 18).
    const corner = new DataView(files.get('4_4_50/64-70_0-40_16-20')!.buffer);
    expect(corner.getUint32(0, true)).toBe(volume.ids[(16 * 40 + 0) * 70 + 64]);
    expect(corner.getUint32(((18 - 16) * 40 * 6 + 5 * 6 + 1) * 4, true)).toBe(4000000000);
    expect(JSON.parse(new TextDecoder().decode(files.get('mesh/info')))).toEqual({ '@type': 'neuroglancer_legacy_mesh' });
    expect(JSON.parse(new TextDecoder().decode(files.get('mesh/17:0')))).toEqual({ fragments: ['17'] });
    const fragment = files.get('mesh/17')!;
    const mesh = meshes.get(17)!;
    expect(new DataView(fragment.buffer, fragment.byteOffset).getUint32(0, true)).toBe(mesh.positions.length / 3);
    expect(fragment.length).toBe(4 + mesh.positions.length * 4 + mesh.indices.length * 4);
  });

  it('round-trips the ids and the meshes through the files on disk', async () => {
    const { volume, meshes } = await sampleMeshes();
    const folder = path.join(tmp, 'dataset');
    await writeFolderAtomic(folder, exportPrecomputed({ ...volume, voxelSize: { x: 4, y: 4, z: 50 } }, meshes, { chunkSize: [32, 16, 8] }), { mode: 'whole' });
    const read = await readPrecomputed(folder);
    expect(read.info.scales[0]!.chunk_sizes).toEqual([[32, 16, 8]]);
    expect(read.chunkNames.length).toBe(3 * 3 * 3);
    expect(read.ids).toEqual(volume.ids);
    expect([...read.meshes.keys()].sort((a, b) => a - b)).toEqual([...meshes.keys()]);
    for (const [id, mesh] of meshes) expect(read.meshes.get(id)).toEqual(mesh);
    expect((await readdir(tmp)).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('refuses chunk sizes that are not whole voxels', async () => {
    const { volume, meshes } = await sampleMeshes();
    expect(() => exportPrecomputed({ ...volume, voxelSize: { x: 4, y: 4, z: 50 } }, meshes, { chunkSize: [64, 0, 16] })).toThrow(/whole numbers of voxels, at least 1, not 64 × 0 × 16/);
  });
});
