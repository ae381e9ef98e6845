import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { VoxelSize, VoxelType } from '../../protocol/contract.js';
import { ProjectError } from './ProjectError.js';

/** Names inside a project folder (see README.md). */
export const PROJECT_JSON = 'project.json';
export const IMAGE_TIF = 'image.tif';
export const JOURNAL_BIN = 'journal.bin';
export const PREDICTIONS = 'predictions';
export const MODELS = 'models';

/** project.json. Every path in it is relative to the project folder, so a copied folder still opens. */
export interface ProjectFile {
  format: 'membrana-project';
  version: 1;
  name: string;
  created: string;
  image: {
    /** The image stack inside the folder (relative); '' for a project over an OME-Zarr volume. */
    file: string;
    /**
     * A project over an OME-Zarr volume too big to copy: the volume's folder, absolute (it stays
     * where it is and is read tile by tile). Predictions are then chunked OME-Zarr stores too.
     */
    omeZarr?: string;
    /** Where it was copied from, for people (the project never reads it again). */
    source: string;
    width: number;
    height: number;
    depth: number;
    dtype: VoxelType;
    voxelSize: VoxelSize;
  };
  /** The model version predictions and fine-tuning start from ('v1', 'v2', ...). */
  activeModel: string;
}

const NOT_A_PROJECT_HINT = 'Choose the folder that holds project.json, or make a new project from an image stack.';
const CORRUPT_HINT = 'Restore project.json from a backup, or make a new project from image.tif (the corrections in journal.bin can be kept by copying it over).';

/** Reads and checks project.json of a project folder. */
export async function readProjectFile(dir: string): Promise<ProjectFile> {
  const file = path.join(dir, PROJECT_JSON);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ProjectError('NOT_A_PROJECT', `${dir} is not a Membrana project: it has no ${PROJECT_JSON}.`, { file, hint: NOT_A_PROJECT_HINT, cause: error });
    }
    throw new ProjectError('READ_FAILED', `${file} could not be read: ${(error as Error).message}.`, { file, hint: 'Check that the project folder is readable, then try again.', cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProjectError('CORRUPT_PROJECT', `${file} is not valid JSON (${(error as Error).message}).`, { file, hint: CORRUPT_HINT, cause: error });
  }
  return checkProjectFile(value, file);
}

/** The parsed project.json, checked field by field; errors name the file and the field. */
export function checkProjectFile(value: unknown, file: string): ProjectFile {
  const fail = (what: string): never => {
    throw new ProjectError('CORRUPT_PROJECT', `${file} is not a valid Membrana project file: ${what}.`, { file, hint: CORRUPT_HINT });
  };
  if (!isObject(value)) return fail('it does not hold a JSON object');
  if (value.format !== 'membrana-project') return fail(`its format is ${JSON.stringify(value.format)}, not "membrana-project"`);
  if (typeof value.version === 'number' && value.version > 1) {
    throw new ProjectError('NEWER_PROJECT', `${file} is a version ${value.version} project, made by a newer Membrana.`, { file, hint: 'Open it with a newer version of Membrana.' });
  }
  if (value.version !== 1) return fail(`its version is ${JSON.stringify(value.version)}, not 1`);
  if (typeof value.name !== 'string') return fail('it has no name');
  if (typeof value.created !== 'string') return fail('it has no creation time');
  if (typeof value.activeModel !== 'string' || value.activeModel === '') return fail('it has no activeModel');
  const image = value.image;
  if (!isObject(image)) return fail('it has no image');
  if (image.omeZarr !== undefined) {
    if (typeof image.omeZarr !== 'string' || !path.isAbsolute(image.omeZarr)) return fail(`image.omeZarr must be the absolute path of an OME-Zarr folder, not ${JSON.stringify(image.omeZarr)}`);
  } else if (typeof image.file !== 'string' || image.file === '' || path.isAbsolute(image.file) || image.file.split(/[\\/]/).includes('..')) {
    return fail(`image.file must be a file name inside the project folder, not ${JSON.stringify(image.file)}`);
  }
  if (typeof image.source !== 'string') return fail('image.source is missing');
  for (const axis of ['width', 'height', 'depth'] as const) {
    if (!Number.isInteger(image[axis]) || (image[axis] as number) < 1) return fail(`image.${axis} must be a positive integer, not ${JSON.stringify(image[axis])}`);
  }
  if (image.dtype !== 'uint8' && image.dtype !== 'uint16' && image.dtype !== 'uint32' && image.dtype !== 'float32') return fail(`image.dtype ${JSON.stringify(image.dtype)} is not uint8, uint16, uint32 or float32`);
  const voxel = image.voxelSize;
  if (!isObject(voxel) || typeof voxel.unit !== 'string' || !(['x', 'y', 'z'] as const).every((axis) => typeof voxel[axis] === 'number' && (voxel[axis] as number) > 0)) {
    return fail('image.voxelSize must have positive x, y, z and a unit');
  }
  return value as unknown as ProjectFile;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
