import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOmeZarr, openOmeZarr } from '../zarr/omeZarr.js';
import { readSlice, writeRegion } from '../zarr/readRegion.js';
import { CELL, MEMBRANE } from './CorrectionLayer.js';
import { PREDICTION_CHUNK } from './predictionStores.js';
import { Project } from './ProjectStore.js';

let root: string;
let modelDir: string;
let volumeDir: string;
const opened: Project[] = [];
const [width, height, depth] = [600, 520, 5];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'membrana-tiled-project-'));
  modelDir = path.join(root, 'model-source');
  await mkdir(modelDir, { recursive: true });
  await writeFile(path.join(modelDir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [] }));
  await writeFile(path.join(modelDir, 'weights.bin'), new Uint8Array(64));
  await writeFile(path.join(modelDir, 'membrana.json'), JSON.stringify({ format: 'membrana-membrane-model', version: 1 }));
  volumeDir = path.join(root, 'em.ome.zarr');
  const zarr = await createOmeZarr(volumeDir, { shape: [depth, height, width], dtype: 'uint8', chunks: [2, 128, 128], voxelSize: { x: 8, y: 8, z: 40, unit: 'nm' } });
  const data = Uint8Array.from({ length: width * height * depth }, (_, i) => (i * 31 + (i >> 7)) & 0xff);
  await writeRegion(zarr.levels[0]!, { z: [0, depth], y: [0, height], x: [0, width] }, data);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((project) => project.close()));
  await rm(root, { recursive: true, force: true });
});

async function track(project: Promise<Project>): Promise<Project> {
  const result = await project;
  opened.push(result);
  return result;
}

describe('a project over an OME-Zarr volume', () => {
  it('refers to the volume instead of copying it, and reads slices from it', async () => {
    const project = await track(Project.createOverOmeZarr(path.join(root, 'p'), volumeDir, modelDir));
    expect(project.tiled).toBe(true);
    expect(project.volume).toMatchObject({ width, height, depth, dtype: 'uint8', data: null, voxelSize: { x: 8, y: 8, z: 40, unit: 'nm' } });
    const files = await readdir(path.join(root, 'p'));
    expect(files).not.toContain('image.tif');
    const settings = JSON.parse(await readFile(path.join(root, 'p', 'project.json'), 'utf8'));
    expect(settings.image.omeZarr).toBe(volumeDir);
    const zarr = await openOmeZarr(volumeDir);
    expect(await project.readSlice(3)).toEqual(await readSlice(zarr.levels[0]!, 3));
  });

  it('stores predictions in a chunked OME-Zarr, one marker a slice, and finds them after reopening', async () => {
    const dir = path.join(root, 'p');
    const project = await track(Project.createOverOmeZarr(dir, volumeDir, modelDir));
    const prediction = Uint8Array.from({ length: width * height }, (_, i) => (i * 7) & 0xff);
    await project.savePrediction('v1', 2, prediction);
    expect(await project.predictedSlices('v1')).toEqual([2]);
    expect(await project.loadPrediction('v1', 1)).toBeNull();
    await project.corrections.paint(2, Uint32Array.of(0, 1, width + 5), MEMBRANE, 'brush');
    await project.corrections.paint(4, Uint32Array.of(7), CELL, 'brush');
    await opened.splice(0)[0]!.close();

    const again = await track(Project.open(dir));
    expect(await again.loadPrediction('v1', 2)).toEqual(prediction);
    expect(again.corrections.labelledSlices()).toEqual([2, 4]);
    // Chunked: slice 2 wrote only its own chunks ([1, 512, 512], ceil(520/512) × ceil(600/512) of them).
    const store = path.join(dir, 'predictions', 'v1.ome.zarr', '0');
    const chunks = (await readdir(store, { recursive: true })).filter((name) => !name.split(path.sep).some((part) => part.startsWith('.')) && name.split(path.sep).length === 3);
    expect(chunks.map((name) => name.split(path.sep).join('.')).sort()).toEqual(['2.0.0', '2.0.1', '2.1.0', '2.1.1']);
    expect(PREDICTION_CHUNK).toBe(512);
    const written = await openOmeZarr(path.join(dir, 'predictions', 'v1.ome.zarr'));
    expect(written.levels[0]!.shape).toEqual([depth, height, width]);
  });

  it('a slice whose chunks were written but not its marker (a crash) reads as not predicted', async () => {
    const dir = path.join(root, 'p');
    const project = await track(Project.createOverOmeZarr(dir, volumeDir, modelDir));
    await project.savePrediction('v1', 0, new Uint8Array(width * height).fill(9));
    await rm(path.join(dir, 'predictions', 'v1.ome.zarr', '.membrana-slices', '0'));
    expect(await project.predictedSlices('v1')).toEqual([]);
    expect(await project.loadPrediction('v1', 0)).toBeNull();
  });

  it('names the volume and what to do when it has moved, and opens again once it is back', async () => {
    const dir = path.join(root, 'p');
    await opened.push(await Project.createOverOmeZarr(dir, volumeDir, modelDir));
    await opened.splice(0)[0]!.close();
    await rename(volumeDir, `${volumeDir}.moved`);
    await expect(Project.open(dir)).rejects.toMatchObject({ code: 'MISSING_IMAGE', file: volumeDir, message: expect.stringContaining(volumeDir), hint: expect.stringContaining('image.omeZarr') });
    await rename(`${volumeDir}.moved`, volumeDir);
    const again = await track(Project.open(dir));
    expect(again.volume.depth).toBe(depth);
  });

  it('refuses a volume that differs from the one the project was made from', async () => {
    const dir = path.join(root, 'p');
    opened.push(await Project.createOverOmeZarr(dir, volumeDir, modelDir));
    await opened.splice(0)[0]!.close();
    await rm(volumeDir, { recursive: true });
    await createOmeZarr(volumeDir, { shape: [depth + 1, height, width], dtype: 'uint8' });
    await expect(Project.open(dir)).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringContaining(`${width} × ${height} × ${depth + 1}`) });
  });

  it('refuses slices too big to proofread whole, a label image, and a project folder inside the volume', async () => {
    const wide = path.join(root, 'wide.ome.zarr');
    await createOmeZarr(wide, { shape: [2, 4096, 8192], dtype: 'uint8', levels: 1 });
    await expect(Project.createOverOmeZarr(path.join(root, 'w'), wide, modelDir)).rejects.toMatchObject({ code: 'TOO_LARGE', hint: expect.stringContaining('membrana predict') });
    await expect(Project.createOverOmeZarr(path.join(volumeDir, 'inside'), volumeDir, modelDir)).rejects.toMatchObject({ code: 'PROJECT_EXISTS' });
    await expect(Project.createOverOmeZarr(path.join(root, 'x'), path.join(root, 'nowhere.ome.zarr'), modelDir)).rejects.toThrow(/nowhere\.ome\.zarr/);
    await expect(readdir(path.join(root, 'w'))).rejects.toThrow();
  });

  it('opens a project over a 100 GB volume from its metadata alone', async () => {
    // No chunk is written: the volume is 6,400 slices of 4096² (107 GB) of fill value.
    const huge = path.join(root, 'huge.ome.zarr');
    await createOmeZarr(huge, { shape: [6400, 4096, 4096], dtype: 'uint8', chunks: [64, 256, 256] });
    const dir = path.join(root, 'big');
    opened.push(await Project.createOverOmeZarr(dir, huge, modelDir));
    await opened.splice(0)[0]!.close();
    const before = process.memoryUsage().rss;
    const project = await track(Project.open(dir));
    expect(project.volume.depth * project.volume.width * project.volume.height).toBeGreaterThan(100e9);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    expect(await project.predictedSlices('v1')).toEqual([]);
  });
});
