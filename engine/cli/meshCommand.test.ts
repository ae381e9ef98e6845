import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from './CliError.js';
import { meshCommand } from './meshCommand.js';
import type { Volume } from '../io/Volume.js';
import { writeTiff } from '../io/writeTiff.js';
import { readObj } from '../mesh/testing/readObj.js';
import { readPrecomputed } from '../mesh/testing/readPrecomputed.js';
import { sampleMeshes } from '../mesh/testing/sampleMeshes.js';
import { ballsAndTubes } from '../mesh/testing/ballsAndTubes.js';
import { writeLabelOmeZarr } from '../blocks/testing/writeLabelOmeZarr.js';

// The CLI's tests live here, beside the code they drive, because engine/cli/ is shared with other work.
let tmp: string;
let segments16: string;
const printed: string[] = [];
const warned: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'membrana-mesh-cli-'));
  const { volume } = await sampleMeshes();
  // 16-bit ids (the sample's big id does not fit; those voxels become 0).
  segments16 = path.join(tmp, 'segments.tif');
  const data = Uint16Array.from(volume.ids, (id) => (id > 65535 ? 0 : id));
  await writeFile(segments16, writeTiff({ width: volume.width, height: volume.height, depth: volume.depth, dtype: 'uint16', data, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } }));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true); // the progress lines
});
afterEach(() => {
  vi.restoreAllMocks();
  printed.length = 0;
  warned.length = 0;
});

async function run(...argv: string[]): Promise<Record<string, unknown>> {
  vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void warned.push(line));
  await meshCommand(argv);
  expect(printed.length).toBe(1);
  return JSON.parse(printed[0]!) as Record<string, unknown>;
}

describe('membrana mesh', () => {
  it('writes one GLB per neuron from a TIFF stack, with the file’s voxel size, and prints one JSON line', async () => {
    const output = path.join(tmp, 'glb');
    const result = await run(segments16, '-o', output, '--format', 'glb');
    expect(result).toMatchObject({ neurons: 2, output, files: 2 });
    expect(result.triangles).toBeGreaterThan(1000);
    expect(result.seconds).toBeGreaterThan(0);
    expect((await readdir(output)).sort()).toEqual(['neuron-17.glb', 'neuron-3.glb']);
    expect(warned).toEqual([]);
  });

  it('writes one OBJ scene in micrometres, decimated and smoothed, for the ids asked', async () => {
    const output = path.join(tmp, 'obj');
    const result = await run(segments16, '-o', output, '--format', 'obj', '--scene', '--units', 'um', '--ids', '17', '--decimate', '0.5', '--smooth', '3', '--voxel-size', '8,8,40');
    expect(result).toMatchObject({ neurons: 1, files: 1 });
    const { comments, objects } = readObj(await readFile(path.join(output, 'segments.obj')));
    expect(comments[0]).toMatch(/micrometres/);
    const x = [...objects.get('neuron-17')!.positions.filter((_, n) => n % 3 === 0)];
    // Neuron 17 spans voxels 40..59 in x: 0.32 to 0.48 µm at 8 nm (smoothing moves the surface a little, under half a voxel).
    expect(Math.abs(Math.min(...x) - 0.32)).toBeLessThan(0.004);
    expect(Math.abs(Math.max(...x) - 0.48)).toBeLessThan(0.004);
  });

  it('writes a precomputed dataset from uint32 ids (a volume the reader hands over)', async () => {
    const { volume } = await sampleMeshes();
    const read = async (file: string): Promise<Volume> => ({
      name: 'ids',
      source: file,
      format: 'test',
      ...volume,
      dtype: 'uint32',
      data: volume.ids,
      voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' },
    });
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const output = path.join(tmp, 'precomputed');
    await meshCommand([path.join(tmp, 'ids.tif'), '-o', output, '--format', 'precomputed'], read);
    expect(JSON.parse(printed[0]!)).toMatchObject({ neurons: 3 });
    const dataset = await readPrecomputed(output);
    expect(dataset.info.scales[0]!.key).toBe('4_4_50');
    expect(dataset.ids).toEqual(volume.ids);
  });

  it('warns when the voxel size is unknown', async () => {
    const { volume } = await sampleMeshes();
    const file = path.join(tmp, 'pixels.tif');
    await writeFile(file, writeTiff({ width: volume.width, height: volume.height, depth: volume.depth, dtype: 'uint8', data: Uint8Array.from(volume.ids, (id) => (id === 3 ? 3 : 0)) }));
    const result = await run(file, '-o', path.join(tmp, 'pixels'), '--format', 'stl');
    expect(result).toMatchObject({ neurons: 1 });
    expect(warned.join('\n')).toMatch(/does not say its voxel size; meshing at 1 × 1 × 1 nm. Give --voxel-size/);
  });

  it('answers wrong calls with a UsageError that says what to give', async () => {
    const cases: [string[], RegExp][] = [
      [[], /give the segmentation stack/],
      [[segments16], /give the output folder with -o DIR/],
      [[segments16, '-o', tmp], /--format must be one of obj, stl, ply, glb, precomputed, not missing/],
      [[segments16, '-o', tmp, '--format', 'vtk'], /not "vtk"/],
      [[segments16, '-o', tmp, '--format', 'obj', '--units', 'mm'], /--units must be nm or um, not "mm"/],
      [[segments16, '-o', tmp, '--format', 'precomputed', '--units', 'um'], /always in nanometres/],
      [[segments16, '-o', tmp, '--format', 'obj', '--ids', '3,x'], /not "x" in "3,x"/],
      [[segments16, '-o', tmp, '--format', 'obj', '--ids', '0'], /from 1 to 4294967295/],
      [[segments16, '-o', tmp, '--format', 'obj', '--voxel-size', '4,4'], /three positive sizes in nm/],
      [[segments16, '-o', tmp, '--format', 'obj', '--decimate', '2'], /more than 0 and at most 1, not "2"/],
      [[segments16, '-o', tmp, '--format', 'obj', '--smooth', '1.5'], /whole number of iterations/],
      [[segments16, '-o', segments16, '--format', 'obj'], /would overwrite the input/],
    ];
    for (const [argv, message] of cases) {
      const error = await meshCommand(argv).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('fails with a hint and writes nothing when the ids are not there or the output is a file', async () => {
    const output = path.join(tmp, 'missing-ids');
    await expect(meshCommand([segments16, '-o', output, '--format', 'ply', '--ids', '99'])).rejects.toMatchObject({ code: 'NO_NEURONS', hint: expect.stringMatching(/Check the ids/) });
    const file = path.join(tmp, 'a-file');
    await writeFile(file, 'not a folder');
    await expect(meshCommand([segments16, '-o', file, '--format', 'ply'])).rejects.toMatchObject({ code: 'NOT_A_FOLDER', hint: expect.stringMatching(/Give a folder/) });
    const names = await readdir(tmp);
    expect(names.filter((name) => name.includes('missing') || name.includes('partial'))).toEqual([]);
  });
});

describe('membrana mesh on an OME-Zarr label image (block-wise)', { timeout: 30_000 }, () => {
  const volume = ballsAndTubes(40, 36, 14);
  let store: string;
  beforeAll(async () => {
    store = await writeLabelOmeZarr(path.join(tmp, 'seg.ome.zarr'), volume, [4, 16, 16]);
  });

  it('meshes shares i/N into a precomputed dataset that the last share finishes, with progress on stderr', async () => {
    const output = path.join(tmp, 'seg-precomputed');
    const first = await run(store, '-o', output, '--format', 'precomputed', '--blocks', '0/2');
    expect(first).toMatchObject({ blocks: 4, meshed: 2, remaining: 2, finished: false, neurons: 0 });
    expect(warned.join('\n')).toMatch(/2 of 4 blocks done; the job that finishes the last block writes the meshes/);
    printed.length = 0;
    const second = await run(store, '-o', output, '--format', 'precomputed', '--blocks', '1/2');
    expect(second).toMatchObject({ blocks: 4, meshed: 2, remaining: 0, finished: true, neurons: 5, output });
    expect(vi.mocked(process.stderr.write).mock.calls.map(([line]) => String(line)).join('')).toMatch(/Meshing blocks, 2 of 2 done 100%/);
    const dataset = await readPrecomputed(output);
    expect(dataset.info.scales[0]).toMatchObject({ key: '4_4_50', size: [40, 36, 14] });
    expect(dataset.ids).toEqual(volume.ids);
    expect(dataset.meshes.size).toBe(5);
  });

  it('writes welded OBJ files for the ids asked', async () => {
    const output = path.join(tmp, 'seg-obj');
    const result = await run(store, '-o', output, '--format', 'obj', '--ids', '1,3', '--smooth', '2');
    expect(result).toMatchObject({ blocks: 4, meshed: 4, finished: true, neurons: 2, files: 2 });
    expect((await readdir(output)).filter((name) => name.endsWith('.obj')).sort()).toEqual(['neuron-1.obj', 'neuron-3.obj']);
    expect(readObj(await readFile(path.join(output, 'neuron-3.obj'))).objects.get('neuron-3')!.indices.length).toBeGreaterThan(100);
  });

  it('says what to do for a missing store, unknown ids and --blocks misuse', async () => {
    const missing = path.join(tmp, 'missing.ome.zarr');
    await expect(meshCommand([missing, '-o', path.join(tmp, 'm'), '--format', 'obj'])).rejects.toMatchObject({ message: expect.stringContaining(`No OME-Zarr label image at ${missing}`), hint: expect.stringMatching(/Check the path/) });
    await expect(meshCommand([store, '-o', path.join(tmp, 'seg-obj'), '--format', 'obj', '--ids', '7'])).rejects.toMatchObject({ code: 'NO_NEURONS', message: expect.stringMatching(/has no neuron 7/) });
    const cases: [string[], RegExp][] = [
      [[segments16, '-o', tmp, '--format', 'obj', '--blocks', '0/2'], /--blocks shares the blocks of an OME-Zarr label image; .*segments\.tif is not one/],
      [[store, '-o', path.join(tmp, 'b'), '--format', 'obj', '--blocks', '2/2'], /--blocks must be i\/N with 0 ≤ i < N .*not "2\/2"/],
    ];
    for (const [argv, message] of cases) {
      const error = await meshCommand(argv).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
