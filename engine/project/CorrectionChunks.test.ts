import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Volume } from '../io/Volume.js';
import { ngffProblems } from '../zarr/ngffSchema.js';
import { openOmeZarr } from '../zarr/omeZarr.js';
import { readSlice } from '../zarr/readRegion.js';
import { CORRECTIONS_ZARR } from './CorrectionChunks.js';
import { CELL, MEMBRANE } from './CorrectionLayer.js';
import { Project } from './ProjectStore.js';

// 600 × 300: three tiles across (the last 88 wide), two down (the last 44 high).
const [width, height, depth] = [600, 300, 3];
let root: string;
let dir: string;
let modelDir: string;
const opened: Project[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'membrana-chunks-'));
  dir = path.join(root, 'project');
  modelDir = path.join(root, 'model');
  await mkdir(modelDir);
  await writeFile(path.join(modelDir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [] }));
  await writeFile(path.join(modelDir, 'weights.bin'), new Uint8Array(16));
  await writeFile(path.join(modelDir, 'membrana.json'), JSON.stringify({ format: 'membrana-membrane-model', version: 1 }));
  const volume: Volume = { name: 'v', source: 'v.tif', format: 'TIFF', width, height, depth, dtype: 'uint8', data: new Uint8Array(width * height * depth), voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } };
  opened.push(await Project.create(dir, volume, modelDir));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((project) => project.close()));
  await rm(root, { recursive: true, force: true });
});

const store = (): string => path.join(dir, CORRECTIONS_ZARR);

/** The chunk files of the label store as "z.y.x", sorted. */
async function chunkFiles(): Promise<string[]> {
  const level = path.join(store(), '0');
  const names = await readdir(level, { recursive: true }).catch(() => [] as string[]);
  return names
    .map((name) => name.split(path.sep))
    .filter((parts) => parts.length === 3 && !parts.some((p) => p.startsWith('.')))
    .map((parts) => parts.join('.'))
    .sort();
}

async function storedSlice(z: number): Promise<Uint8Array> {
  return (await readSlice((await openOmeZarr(store())).levels[0]!, z)) as Uint8Array;
}

async function reopen(): Promise<Project> {
  await opened.splice(0)[0]!.close();
  const project = await Project.open(dir);
  opened.push(project);
  return project;
}

describe('corrections.ome.zarr', () => {
  it('writes only the chunks an edit touched, and holds the same labels as the layer', async () => {
    const project = opened[0]!;
    // Pixel (10, 5) is in tile (0, 0); pixel (590, 290) in the last, partial tile (2, 1).
    await project.corrections.paint(1, Uint32Array.of(5 * width + 10, 290 * width + 590), MEMBRANE, 'brush');
    await project.correctionChunks.flush();
    expect(await chunkFiles()).toEqual(['1.0.0', '1.1.2']);
    expect(await storedSlice(1)).toEqual(project.corrections.slice(1));
    // Pixel (307, 0) is in tile (1, 0).
    await project.corrections.paint(2, Uint32Array.of(307), CELL, 'brush');
    await project.correctionChunks.flush();
    expect(await chunkFiles()).toEqual(['1.0.0', '1.1.2', '2.0.1']);
    expect((await storedSlice(2))[307]).toBe(CELL);
    // Undo writes the tile back to unlabelled.
    await project.corrections.undo();
    await project.correctionChunks.flush();
    expect((await storedSlice(2))[307]).toBe(0);
    const attributes = JSON.parse(await readFile(path.join(store(), '.zattrs'), 'utf8'));
    expect(ngffProblems(attributes, '0.4')).toEqual([]);
    expect(attributes['image-label']).toBeDefined();
  });

  it('writes edits on its own shortly after they are journaled, and on close', async () => {
    const project = opened[0]!;
    await project.corrections.paint(0, Uint32Array.of(0, 1, 2), MEMBRANE, 'brush');
    await expect.poll(chunkFiles, { timeout: 3000 }).toEqual(['0.0.0']);
    await project.corrections.paint(0, Uint32Array.of(width * 299 + 599), CELL, 'brush');
    const again = await reopen();
    expect(await storedSlice(0)).toEqual(again.corrections.slice(0));
  });

  it('catches up after a crash between the journal and the chunks', async () => {
    const project = opened[0]!;
    await project.corrections.paint(0, Uint32Array.of(42), MEMBRANE, 'brush');
    await project.correctionChunks.flush();
    // The next edit is journaled, then the process dies before its chunk is written: put the
    // checkpoint back to one record and the chunk back to what it was.
    const checkpoint = await readFile(path.join(store(), '.membrana-checkpoint.json'), 'utf8');
    const chunk = await readFile(path.join(store(), '0', '0', '0', '0'));
    await project.corrections.paint(0, Uint32Array.of(43, 44), CELL, 'brush');
    await project.correctionChunks.flush();
    await opened.splice(0)[0]!.close();
    await writeFile(path.join(store(), '.membrana-checkpoint.json'), checkpoint);
    await writeFile(path.join(store(), '0', '0', '0', '0'), chunk);
    expect((await storedSlice(0))[43]).toBe(0);
    const again = await Project.open(dir);
    opened.push(again);
    expect((await storedSlice(0)).subarray(42, 45)).toEqual(Uint8Array.of(MEMBRANE, CELL, CELL));
  });

  it('is made for a project that has none (older projects), and remade when the journal is older than it', async () => {
    const project = opened[0]!;
    await project.corrections.paint(2, Uint32Array.of(9), CELL, 'brush');
    await project.correctionChunks.flush();
    const journal = await readFile(path.join(dir, 'journal.bin'));
    await project.corrections.paint(1, Uint32Array.of(9), MEMBRANE, 'brush');
    await opened.splice(0)[0]!.close();
    await rm(store(), { recursive: true });
    let again = await Project.open(dir);
    opened.push(again);
    expect((await storedSlice(1))[9]).toBe(MEMBRANE);
    expect((await storedSlice(2))[9]).toBe(CELL);
    // A journal restored from before the second edit: the chunks must not keep that edit.
    await opened.splice(0)[0]!.close();
    await writeFile(path.join(dir, 'journal.bin'), journal);
    again = await Project.open(dir);
    opened.push(again);
    expect((await storedSlice(1))[9]).toBe(0);
    expect((await storedSlice(2))[9]).toBe(CELL);
  });
});
