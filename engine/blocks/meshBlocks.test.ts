import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlapBox } from '../mesh/blockFragments.js';
import { marchingCubes } from '../mesh/marchingCubes.js';
import type { Mesh } from '../mesh/Mesh.js';
import { isClosed, isManifold, signedVolume } from '../mesh/meshChecks.js';
import { neuronBounds } from '../mesh/neuronBounds.js';
import { neuronMask } from '../mesh/neuronMask.js';
import { ballsAndTubes } from '../mesh/testing/ballsAndTubes.js';
import { readObj } from '../mesh/testing/readObj.js';
import { readPrecomputed } from '../mesh/testing/readPrecomputed.js';
import { weldFragments } from '../mesh/weldFragments.js';
import { blockAt, blockCount, blockGrid } from './blockGrid.js';
import { LEDGER_FOLDER } from './BlockLedger.js';
import { FRAGMENT_STORE, meshOmeZarr, type MeshOmeZarrOptions } from './meshOmeZarr.js';
import { writeLabelOmeZarr } from './testing/writeLabelOmeZarr.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-mesh-blocks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const volume = ballsAndTubes(40, 36, 14);
const chunks: [number, number, number] = [4, 8, 8];
// Blocks of 4 × 16 × 16 voxels ([z, y, x]): 4 × 3 × 3 = 36 blocks, the last ones cut by the volume.
const grid = blockGrid([volume.depth, volume.height, volume.width], chunks, { halo: 0, minEdge: 16 });
const ISBI = { x: 4, y: 4, z: 50 };
let input: string;
let reference: Map<string, Buffer>;

function run(output: string, extra: Partial<MeshOmeZarrOptions> = {}): ReturnType<typeof meshOmeZarr> {
  return meshOmeZarr({ input, output: path.join(tmp, output), format: 'precomputed', minEdge: 16, ...extra });
}

/** Every file under `folder` but the block markers, by relative path. */
async function snapshot(folder: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(path.join(folder, relative), { withFileTypes: true })) {
      const name = path.join(relative, entry.name);
      if (entry.isDirectory()) await (entry.name === LEDGER_FOLDER ? Promise.resolve() : walk(name));
      else files.set(name, await readFile(path.join(folder, name)));
    }
  };
  await walk('');
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

function expectSameFiles(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, bytes] of expected) expect(actual.get(name)!.equals(bytes), name).toBe(true);
}

/** The whole-volume marching-cubes surface of neuron `id` (meshNeuron without smoothing). */
function wholeMesh(id: number): Mesh {
  const bounds = neuronBounds(volume.ids, volume.width, volume.height, volume.depth).get(id)!;
  return marchingCubes(neuronMask(volume.ids, volume.width, volume.height, id, bounds), ISBI);
}

beforeAll(async () => {
  input = await writeLabelOmeZarr(path.join(tmp, 'seg.ome.zarr'), volume, chunks);
  const result = await run('whole');
  expect(result).toMatchObject({ blocks: 36, meshed: 36, skipped: 0, remaining: 0, finished: true, neurons: 5 });
  reference = await snapshot(path.join(tmp, 'whole'));
}, 60_000);

describe('meshOmeZarr (block-wise)', { timeout: 30_000 }, () => {
  it('writes a precomputed dataset the independent reader reads: the ids, and one fragment per block a neuron touches', async () => {
    const dataset = await readPrecomputed(path.join(tmp, 'whole'));
    expect(dataset.info.scales[0]).toMatchObject({ key: '4_4_50', size: [40, 36, 14], resolution: [4, 4, 50], chunk_sizes: [[8, 8, 4]] });
    expect(dataset.ids).toEqual(volume.ids);
    expect([...dataset.meshes.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    for (let id = 1; id <= 5; id++) {
      const manifest = JSON.parse(await readFile(path.join(tmp, 'whole', 'mesh', `${id}:0`), 'utf8')) as { fragments: string[] };
      // The blocks whose voxels (with the one-voxel overlap) hold the neuron.
      const touched: string[] = [];
      for (let k = 0; k < blockCount(grid); k++) {
        const box = overlapBox(blockAt(grid, k), grid.shape);
        let found = false;
        for (let z = box.z[0]; z < box.z[1] && !found; z++) for (let y = box.y[0]; y < box.y[1] && !found; y++) for (let x = box.x[0]; x < box.x[1] && !found; x++) found = volume.ids[(z * volume.height + y) * volume.width + x] === id;
        if (found) touched.push(`${id}_${k}`);
      }
      expect(manifest.fragments).toEqual(touched);
      // Welded, the fragments are the whole-volume surface: closed, manifold, same triangles and volume.
      const welded = weldFragments([dataset.meshes.get(id)!]);
      const whole = wholeMesh(id);
      expect(welded.indices.length).toBe(whole.indices.length);
      expect(isClosed(welded) && isManifold(welded)).toBe(true);
      expect(Math.abs(signedVolume(welded) / signedVolume(whole) - 1)).toBeLessThan(1e-9);
    }
  });

  it('resumes after a cancel, and after a kill between a block’s files and its marker, with the bytes of one run', async () => {
    const controller = new AbortController();
    await expect(run('resumed', { signal: controller.signal, onProgress: (p) => void (p.stage.startsWith('Meshing blocks, 5 of') && controller.abort()) })).rejects.toMatchObject({ code: 'CANCELLED' });
    const folder = path.join(tmp, 'resumed');
    expect((await readdir(path.join(folder, LEDGER_FOLDER))).filter((name) => name.endsWith('.done'))).toHaveLength(5);
    await expect(readFile(path.join(folder, 'info'))).rejects.toMatchObject({ code: 'ENOENT' });
    // The kill: block 3's fragments are on disk, its marker is not.
    await unlink(path.join(folder, LEDGER_FOLDER, '3.done'));
    const rest = await run('resumed');
    expect(rest).toMatchObject({ meshed: 32, skipped: 4, finished: true });
    expectSameFiles(await snapshot(folder), reference);
  });

  it('gives the bytes of one run from shares i/N, whichever finishes last writing the index', async () => {
    const results = await Promise.all([0, 1, 2].map((share) => run('shared', { share, shares: 3 })));
    expect(results.reduce((sum, r) => sum + r.meshed, 0)).toBe(36);
    expect(results.some((r) => r.finished)).toBe(true);
    expectSameFiles(await snapshot(path.join(tmp, 'shared')), reference);
    const alone = await run('one-share', { share: 1, shares: 4 });
    expect(alone).toMatchObject({ meshed: 9, remaining: 27, finished: false, files: [] });
  });

  it('writes OBJ files welded from the fragments: the whole-volume surface, smoothed and decimated on request, resumable', async () => {
    const result = await run('obj', { format: 'obj', ids: [2, 1] });
    expect(result).toMatchObject({ finished: true, neurons: 2 });
    const folder = path.join(tmp, 'obj');
    expect((await readdir(folder)).sort()).toEqual([FRAGMENT_STORE, 'neuron-1.obj', 'neuron-2.obj']);
    for (const id of [1, 2]) {
      const mesh = readObj(await readFile(path.join(folder, `neuron-${id}.obj`))).objects.get(`neuron-${id}`)!;
      const whole = wholeMesh(id);
      expect(mesh.indices.length).toBe(whole.indices.length);
      expect(mesh.positions.length).toBe(whole.positions.length);
      expect(isClosed(mesh) && isManifold(mesh)).toBe(true);
      expect(Math.abs(signedVolume(mesh) / signedVolume(whole) - 1)).toBeLessThan(1e-6);
    }
    // Interrupted after 7 blocks, then finished: the same files.
    const controller = new AbortController();
    await expect(run('obj-resumed', { format: 'obj', ids: [1, 2], signal: controller.signal, onProgress: (p) => void (p.stage.startsWith('Meshing blocks, 7 of') && controller.abort()) })).rejects.toMatchObject({ code: 'CANCELLED' });
    await run('obj-resumed', { format: 'obj', ids: [1, 2] });
    const strip = (files: Map<string, Buffer>): Map<string, Buffer> => new Map([...files].filter(([name]) => !name.startsWith(FRAGMENT_STORE)));
    expectSameFiles(strip(await snapshot(path.join(tmp, 'obj-resumed'))), strip(await snapshot(folder)));
    // The fragments are kept: another format or other ids need no block meshed again.
    const again = await run('obj', { format: 'stl', ids: [3], smoothing: 2, decimate: 0.5 });
    expect(again).toMatchObject({ meshed: 0, skipped: 36, neurons: 1 });
    expect(again.triangles).toBeLessThan(wholeMesh(3).indices.length / 3);
  });

  it('refuses bad input with errors that name the path or value and say what to do', async () => {
    await expect(meshOmeZarr({ input: path.join(tmp, 'nothing.ome.zarr'), output: path.join(tmp, 'x'), format: 'obj' })).rejects.toMatchObject({
      message: expect.stringContaining(`No OME-Zarr label image at ${path.join(tmp, 'nothing.ome.zarr')}`),
      hint: expect.stringMatching(/Check the path/),
    });
    const floats = await writeLabelOmeZarr(path.join(tmp, 'floats.ome.zarr'), volume, chunks, { dtype: 'float32' });
    await expect(meshOmeZarr({ input: floats, output: path.join(tmp, 'x'), format: 'obj' })).rejects.toMatchObject({
      code: 'NOT_IDS',
      message: expect.stringMatching(/floats\.ome\.zarr.*32-bit floating point voxels, not neuron ids/),
      hint: expect.stringMatching(/whole-number ids/),
    });
    await expect(run('whole', { ids: [1, 99, 123] })).rejects.toMatchObject({ code: 'NO_NEURONS', message: expect.stringMatching(/has no neuron 99, 123 \(no voxel holds those ids\)/), hint: expect.stringMatching(/leave out --ids/) });
    const other = path.join(tmp, 'not-a-store');
    await mkdir(other);
    await writeFile(path.join(other, 'notes.txt'), 'mine');
    await expect(run('not-a-store')).rejects.toThrow(/already holds files and is not a Membrana block mesh store.*choose a new or empty output folder/);
    const rechunked = await writeLabelOmeZarr(path.join(tmp, 'rechunked.ome.zarr'), volume, [2, 8, 8]);
    await expect(meshOmeZarr({ input: rechunked, output: path.join(tmp, 'whole'), format: 'precomputed', minEdge: 16 })).rejects.toThrow(/was started with other settings.*delete .*whole to start over/);
    await rm(other, { recursive: true });
  });
});
