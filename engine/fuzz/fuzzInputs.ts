import { mkdir, writeFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { writeTiff } from '../io/writeTiff.js';
import { copyModel, modelCases } from './modelCases.js';
import { pngFolders } from './pngCases.js';
import { Random } from '../base/Random.js';
import { specialCases } from './specialFiles.js';
import { damagedTiffs, structuredTiffs } from './tiffCases.js';
import { writeBaseStore, zarrCases } from './zarrCases.js';

export type FuzzCommand = 'predict' | 'evaluate' | 'segment' | 'mesh' | 'import';
export const ALL_COMMANDS: readonly FuzzCommand[] = ['predict', 'evaluate', 'segment', 'mesh', 'import'];

/** One malformed input on disk and the commands to give it to. */
export interface FuzzInput {
  id: string;
  kind: 'tiff' | 'png-folder' | 'ome-zarr' | 'model' | 'special';
  /** What the commands are given: a file, a folder, a store, or (kind 'model') a model folder for --model. */
  path: string;
  expect: 'reject' | 'either';
  note: string;
  commands: FuzzCommand[];
}

/** Valid files the commands need beside the broken input: labels to evaluate against, an image to predict with a broken model. */
export interface FuzzFixtures {
  labels: string;
  image: string;
}

export interface GenerateOptions {
  seed: number;
  /** Randomly damaged TIFFs (the structured cases come on top). */
  randomTiffs: number;
  randomPngs: number;
  randomZarrs: number;
  /** The model folder to copy and break (the shipped one). */
  modelDir: string;
  /** Write only the inputs whose id passes (the quick part in `npm test`); default all. */
  only?: (id: string) => boolean;
}

/** The full campaign's sizes: well over 300 inputs. */
export const FULL_CAMPAIGN: Omit<GenerateOptions, 'modelDir'> = { seed: 15, randomTiffs: 130, randomPngs: 12, randomZarrs: 10 };

/** Writes every input under `root` (which should be new and empty) and returns them in a stable order. */
export async function generateFuzzInputs(root: string, options: GenerateOptions): Promise<{ inputs: FuzzInput[]; fixtures: FuzzFixtures }> {
  const random = new Random(options.seed);
  const wanted = options.only ?? (() => true);
  await mkdir(root, { recursive: true });
  const fixtures = await writeFixtures(path.join(root, 'fixtures'));
  const inputs: FuzzInput[] = [];
  const files = path.join(root, 'inputs');
  await mkdir(files, { recursive: true });

  for (const c of [...structuredTiffs(), ...damagedTiffs(random, options.randomTiffs)]) {
    if (!wanted(c.name)) continue;
    const file = path.join(files, c.name);
    await writeFile(file, c.bytes);
    inputs.push({ id: c.name, kind: 'tiff', path: file, expect: c.expect, note: c.note, commands: [...ALL_COMMANDS] });
  }
  for (const c of pngFolders(random, options.randomPngs)) {
    if (!wanted(c.name)) continue;
    const dir = path.join(files, c.name);
    await mkdir(dir);
    for (const entry of c.entries) {
      if (entry.link) await symlink(entry.link, path.join(dir, entry.name));
      else await writeFile(path.join(dir, entry.name), entry.bytes!);
    }
    inputs.push({ id: c.name, kind: 'png-folder', path: dir, expect: c.expect, note: c.note, commands: [...ALL_COMMANDS] });
  }
  for (const c of specialCases()) {
    if (!wanted(c.name)) continue;
    const file = path.join(files, c.name);
    await c.make(file);
    inputs.push({ id: c.name, kind: 'special', path: file, expect: 'reject', note: c.note, commands: [...ALL_COMMANDS] });
  }
  for (const c of zarrCases(random, options.randomZarrs)) {
    if (!wanted(c.name)) continue;
    const dir = path.join(files, `${c.name}.ome.zarr`);
    await writeBaseStore(dir, c.version, c.kind);
    await c.damage(dir);
    inputs.push({ id: c.name, kind: 'ome-zarr', path: dir, expect: c.expect, note: `${c.kind} store: ${c.note}`, commands: ['predict', 'segment', 'mesh'] });
  }
  for (const c of modelCases()) {
    if (!wanted(c.name)) continue;
    const dir = path.join(files, c.name);
    await copyModel(options.modelDir, dir);
    await c.damage(dir);
    inputs.push({ id: c.name, kind: 'model', path: dir, expect: 'reject', note: c.note, commands: ['predict'] });
  }
  return { inputs, fixtures };
}

/** A valid 48 × 40 × 3 image and ISBI-style labels of the same shape. */
async function writeFixtures(dir: string): Promise<FuzzFixtures> {
  await mkdir(dir, { recursive: true });
  const n = 48 * 40 * 3;
  const image = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
  const labels = Uint8Array.from({ length: n }, (_, i) => (i % 48 === 0 || Math.floor(i / 48) % 40 === 0 ? 0 : 255));
  const voxelSize = { x: 4, y: 4, z: 50, unit: 'nm' as const };
  const files = { image: path.join(dir, 'image.tif'), labels: path.join(dir, 'labels.tif') };
  await writeFile(files.image, writeTiff({ width: 48, height: 40, depth: 3, dtype: 'uint8', data: image, voxelSize }));
  await writeFile(files.labels, writeTiff({ width: 48, height: 40, depth: 3, dtype: 'uint8', data: labels, voxelSize }));
  return files;
}
