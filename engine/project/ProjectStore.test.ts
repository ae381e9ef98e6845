import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Volume } from '../io/Volume.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { CELL, MEMBRANE } from './CorrectionLayer.js';
import { Project } from './ProjectStore.js';

let root: string;
let modelDir: string;
const opened: Project[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'membrana-project-'));
  modelDir = path.join(root, 'model-source');
  await writeFakeModel(modelDir, 1);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((project) => project.close()));
  await rm(root, { recursive: true, force: true });
});

/** A 32 × 24 × 3 uint8 stack with a recognisable pattern and an EM-like voxel size. */
function smallVolume(): Volume {
  const [width, height, depth] = [32, 24, 3];
  const data = Uint8Array.from({ length: width * height * depth }, (_, i) => (i * 37 + (i >> 5)) & 0xff);
  return { name: 'crop', source: '/data/crop.tif', format: 'TIFF (8-bit)', width, height, depth, dtype: 'uint8', data, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } };
}

/** The files of a model folder, with made-up weights (the project store never loads the network). */
async function writeFakeModel(dir: string, seed: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [] }));
  await writeFile(path.join(dir, 'weights.bin'), Uint8Array.from({ length: 64 }, (_, i) => (i * seed) & 0xff));
  await writeFile(path.join(dir, 'membrana.json'), JSON.stringify({ format: 'membrana-membrane-model', version: 1 }));
}

async function track(project: Promise<Project>): Promise<Project> {
  const result = await project;
  opened.push(result);
  return result;
}

async function close(project: Project): Promise<void> {
  opened.splice(opened.indexOf(project), 1);
  await project.close();
}

describe('Project', () => {
  it('creates a project folder and opens it again with image, settings, model and corrections', async () => {
    const dir = path.join(root, 'my project');
    const volume = smallVolume();
    const project = await track(Project.create(dir, volume, modelDir, 'Larva VNC'));
    expect(project.dir).toBe(dir);
    expect(project.name).toBe('Larva VNC');
    expect(project.activeModel).toBe('v1');
    expect(project.repaired).toBeNull();
    expect(project.volume).toMatchObject({ width: 32, height: 24, depth: 3, dtype: 'uint8', voxelSize: volume.voxelSize });
    expect(project.volume.data).toEqual(volume.data);
    expect((await readdir(dir)).sort()).toEqual(['image.tif', 'journal.bin', 'models', 'predictions', 'project.json']);
    expect((await readdir(project.modelDir('v1'))).sort()).toEqual(['membrana.json', 'model.json', 'version.json', 'weights.bin']);
    expect(await readFile(path.join(project.modelDir('v1'), 'weights.bin'))).toEqual(await readFile(path.join(modelDir, 'weights.bin')));
    const settings = JSON.parse(await readFile(path.join(dir, 'project.json'), 'utf8'));
    expect(settings).toMatchObject({ format: 'membrana-project', version: 1, name: 'Larva VNC', activeModel: 'v1', image: { file: 'image.tif', source: '/data/crop.tif', width: 32, height: 24, depth: 3, dtype: 'uint8' } });
    expect(await project.listModelVersions()).toEqual([{ id: 'v1', parent: null, created: settings.created, note: 'shipped model', data: { trainSlices: [], validationSlices: [], labelledPixels: 0 }, metrics: {} }]);

    await project.corrections.paint(1, Uint32Array.of(0, 33), MEMBRANE, 'brush');
    await project.corrections.setValidation(2, true);
    await close(project);
    const again = await track(Project.open(dir));
    expect(again.corrections.slice(1).subarray(32, 34)).toEqual(Uint8Array.of(0, MEMBRANE));
    expect(again.corrections.validationSlices()).toEqual([2]);
    expect(again.corrections.canUndo).toBe(true);
  });

  it('opens a copy of the folder elsewhere, without the original', async () => {
    const dir = path.join(root, 'original');
    const project = await track(Project.create(dir, smallVolume(), modelDir));
    expect(project.name).toBe('crop');
    await project.corrections.paint(0, Uint32Array.of(5), CELL, 'brush');
    await project.savePrediction('v1', 0, new Uint8Array(32 * 24).fill(200));
    await close(project);
    const copy = path.join(root, 'elsewhere', 'copy');
    await cp(dir, copy, { recursive: true });
    await rename(dir, path.join(root, 'moved-away'));
    const opened = await track(Project.open(copy));
    expect(opened.dir).toBe(copy);
    expect(opened.corrections.slice(0)[5]).toBe(CELL);
    expect((await opened.loadPrediction('v1', 0))?.[0]).toBe(200);
    expect(opened.modelDir('v1')).toBe(path.join(copy, 'models', 'v1'));
  });

  it('creates from the shipped model and into an existing empty folder', async () => {
    const dir = path.join(root, 'empty');
    await mkdir(dir);
    const project = await track(Project.create(dir, smallVolume(), shippedModelDir()));
    expect(await readFile(path.join(project.modelDir('v1'), 'model.json'), 'utf8')).toBe(await readFile(path.join(shippedModelDir(), 'model.json'), 'utf8'));
  });

  it('refuses to create over files or from an incomplete model, leaving nothing behind', async () => {
    const full = path.join(root, 'full');
    await mkdir(full);
    await writeFile(path.join(full, 'notes.txt'), 'mine');
    await expect(Project.create(full, smallVolume(), modelDir)).rejects.toMatchObject({ code: 'PROJECT_EXISTS', file: full, message: expect.stringContaining(full), hint: expect.any(String) });
    expect(await readdir(full)).toEqual(['notes.txt']);
    await expect(Project.create(path.join(full, 'notes.txt'), smallVolume(), modelDir)).rejects.toMatchObject({ code: 'PROJECT_EXISTS' });
    await rm(path.join(modelDir, 'weights.bin'));
    const target = path.join(root, 'new');
    await expect(Project.create(target, smallVolume(), modelDir)).rejects.toMatchObject({ code: 'BAD_MODEL_FOLDER', message: expect.stringContaining('weights.bin is missing') });
    await expect(readdir(target)).rejects.toMatchObject({ code: 'ENOENT' });
    const broken = { ...smallVolume(), data: new Uint8Array(5) };
    await writeFakeModel(modelDir, 1);
    await expect(Project.create(target, broken, modelDir)).rejects.toThrow(/data holds 5 voxels/);
    await expect(readdir(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stores, lists and loads predictions per model version', async () => {
    const project = await track(Project.create(path.join(root, 'p'), smallVolume(), modelDir));
    const slice = Uint8Array.from({ length: 32 * 24 }, (_, i) => i & 0xff);
    expect(await project.loadPrediction('v1', 2)).toBeNull();
    expect(await project.predictedSlices('v1')).toEqual([]);
    await project.savePrediction('v1', 2, slice);
    await project.savePrediction('v1', 0, slice);
    expect(await project.loadPrediction('v1', 2)).toEqual(slice);
    expect(await project.predictedSlices('v1')).toEqual([0, 2]);
    expect(await readdir(path.join(project.dir, 'predictions', 'v1'))).toEqual(['00000.u8', '00002.u8']);
    await expect(project.savePrediction('v1', 3, slice)).rejects.toMatchObject({ code: 'INVALID_PREDICTION', message: expect.stringContaining('Slice 3') });
    await expect(project.savePrediction('v1', 1, slice.subarray(1))).rejects.toMatchObject({ code: 'INVALID_PREDICTION', message: expect.stringContaining('32 × 24 = 768') });
    await expect(project.savePrediction('v7', 1, slice)).rejects.toMatchObject({ code: 'NO_SUCH_VERSION' });
    await expect(project.savePrediction('../escape', 1, slice)).rejects.toMatchObject({ code: 'NO_SUCH_VERSION' });
    const file = path.join(project.dir, 'predictions', 'v1', '00002.u8');
    await truncate(file, 100);
    await expect(project.loadPrediction('v1', 2)).rejects.toMatchObject({ code: 'CORRUPT_PREDICTION', file, hint: expect.stringContaining('Predict slice 2 again') });
  });

  it('adds, lists, activates, exports and imports model versions', async () => {
    const project = await track(Project.create(path.join(root, 'p'), smallVolume(), modelDir));
    const data = { trainSlices: [0, 1], validationSlices: [2], labelledPixels: 321 };
    const metric = { error: 0.05, membrane_error: 0.08, cell_error: 0.02, membrane_f1: 0.9, cell_f1: 0.97, cross_entropy: 0.2, labelled_pixels: 321, membrane_pixels: 100, cell_pixels: 221, blocks: 3, slices: [2], pixel_error: null, v_rand: null, v_info: null };
    const v2 = await project.addModelVersion((dir) => writeFakeModel(dir, 2), { parent: 'v1', note: 'fine-tuned for 10 steps', data, metrics: { before: null, after: metric } });
    expect(v2).toMatchObject({ id: 'v2', parent: 'v1', note: 'fine-tuned for 10 steps', data, metrics: { before: null, after: metric } });
    await expect(project.addModelVersion(async () => { throw new Error('out of memory'); }, { parent: 'v2', note: 'x', data, metrics: {} })).rejects.toThrow('out of memory');
    await expect(project.addModelVersion(async (dir) => { await writeFile(path.join(dir, 'model.json'), '{}'); }, { parent: 'v2', note: 'x', data, metrics: {} })).rejects.toMatchObject({ code: 'BAD_MODEL_FOLDER' });
    await expect(project.addModelVersion((dir) => writeFakeModel(dir, 3), { parent: 'v9', note: 'x', data, metrics: {} })).rejects.toMatchObject({ code: 'NO_SUCH_VERSION' });
    expect((await readdir(path.join(project.dir, 'models'))).sort()).toEqual(['v1', 'v2']);

    await project.setActiveModel('v2');
    expect(project.activeModel).toBe('v2');
    await expect(project.setActiveModel('v9')).rejects.toMatchObject({ code: 'NO_SUCH_VERSION', message: expect.stringContaining('"v9"') });
    expect(project.activeModel).toBe('v2');

    const exported = path.join(root, 'exported v2');
    await project.exportModel('v2', exported);
    expect((await readdir(exported)).sort()).toEqual(['membrana.json', 'model.json', 'version.json', 'weights.bin']);
    await expect(project.exportModel('v2', exported)).rejects.toMatchObject({ code: 'TARGET_NOT_EMPTY', file: exported });
    const v3 = await project.importModel(exported, 'from the lab server');
    expect(v3).toMatchObject({ id: 'v3', parent: null, note: 'from the lab server' });
    expect(await readFile(path.join(project.modelDir('v3'), 'weights.bin'))).toEqual(await readFile(path.join(exported, 'weights.bin')));
    await rm(path.join(exported, 'membrana.json'));
    await expect(project.importModel(exported, 'x')).rejects.toMatchObject({ code: 'BAD_MODEL_FOLDER', message: expect.stringContaining('membrana.json is missing') });

    const [a, b] = await Promise.all([project.importModel(modelDir, 'a'), project.importModel(modelDir, 'b')]);
    expect([a.id, b.id]).toEqual(['v4', 'v5']);
    await close(project);
    const again = await track(Project.open(project.dir));
    expect(again.activeModel).toBe('v2');
    expect((await again.listModelVersions()).map((version) => `${version.id}<${version.parent}`)).toEqual(['v1<null', 'v2<v1', 'v3<null', 'v4<null', 'v5<null']);
  });

  it('names the file and what to do when a project cannot be opened', async () => {
    await expect(Project.open(path.join(root, 'nowhere'))).rejects.toMatchObject({ code: 'NOT_A_PROJECT', hint: expect.stringContaining('project.json') });
    const dir = path.join(root, 'p');
    await close(await track(Project.create(dir, smallVolume(), modelDir)));
    const settingsFile = path.join(dir, 'project.json');
    const settings = await readFile(settingsFile, 'utf8');
    const withSettings = async (text: string, expected: object): Promise<void> => {
      await writeFile(settingsFile, text);
      await expect(Project.open(dir)).rejects.toMatchObject({ file: settingsFile, message: expect.stringContaining(settingsFile), hint: expect.any(String), ...expected });
    };
    await withSettings('{ "format": "membrana-pro', { code: 'CORRUPT_PROJECT', message: expect.stringContaining('not valid JSON') });
    await withSettings(JSON.stringify({ ...JSON.parse(settings), format: 'other' }), { code: 'CORRUPT_PROJECT' });
    await withSettings(JSON.stringify({ ...JSON.parse(settings), version: 2 }), { code: 'NEWER_PROJECT' });
    await withSettings(JSON.stringify({ ...JSON.parse(settings), image: { ...JSON.parse(settings).image, file: '../image.tif' } }), { code: 'CORRUPT_PROJECT', message: expect.stringContaining('image.file') });
    await withSettings(JSON.stringify({ ...JSON.parse(settings), image: { ...JSON.parse(settings).image, width: 0 } }), { code: 'CORRUPT_PROJECT', message: expect.stringContaining('image.width') });
    await writeFile(settingsFile, settings);

    const image = path.join(dir, 'image.tif');
    const imageBytes = await readFile(image);
    await rm(image);
    await expect(Project.open(dir)).rejects.toMatchObject({ code: 'MISSING_IMAGE', file: image, hint: expect.stringContaining('/data/crop.tif') });
    await writeFile(image, imageBytes.subarray(0, 200));
    await expect(Project.open(dir)).rejects.toMatchObject({ code: 'BAD_IMAGE', file: image });
    await writeFile(settingsFile, JSON.stringify({ ...JSON.parse(settings), image: { ...JSON.parse(settings).image, depth: 4 } }));
    await writeFile(image, imageBytes);
    await expect(Project.open(dir)).rejects.toMatchObject({ code: 'BAD_IMAGE', message: expect.stringContaining('is 32 × 24 × 3 uint8, but the project was made from a 32 × 24 × 4 uint8 stack') });
    await writeFile(settingsFile, settings);

    const journal = path.join(dir, 'journal.bin');
    await writeFile(journal, 'not a journal');
    await expect(Project.open(dir)).rejects.toMatchObject({ code: 'CORRUPT_JOURNAL', file: journal });
  });

  it('reports a journal repaired after a crash mid-save', async () => {
    const dir = path.join(root, 'p');
    const project = await track(Project.create(dir, smallVolume(), modelDir));
    await project.corrections.paint(0, Uint32Array.of(1, 2, 3), MEMBRANE, 'brush');
    await close(project);
    await writeFile(path.join(dir, 'journal.bin'), Uint8Array.of(40, 0, 0, 0, 1, 2), { flag: 'a' });
    const again = await track(Project.open(dir));
    expect(again.repaired).toEqual({ droppedBytes: 6 });
    expect(again.corrections.counts(0).membrane).toBe(3);
  });
});
