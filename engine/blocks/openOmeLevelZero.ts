import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as zarr from 'zarrita';
import { DurableFileStore } from './DurableFileStore.js';

/** The NGFF multiscales entry, as much of it as block prediction reads and copies. */
export interface Multiscale {
  version?: string;
  name?: string;
  axes?: unknown[];
  datasets: { path: string; coordinateTransformations?: unknown[] }[];
  coordinateTransformations?: unknown[];
}

export interface OmeLevelZero {
  /** The store's folder. */
  store: string;
  /** The full-resolution array, [z, y, x]. */
  array: zarr.Array<zarr.DataType, DurableFileStore>;
  /** Its path inside the store ('' when the store is a bare array). */
  path: string;
  /** The first multiscales entry, or null for a bare array. */
  multiscale: Multiscale | null;
}

/**
 * Opens the full-resolution level of an OME-Zarr (NGFF 0.4 on Zarr v2: `.zattrs`; 0.5 on Zarr
 * v3: `zarr.json` attributes.ome), found by `multiscales[0].datasets[0].path`. A store that is
 * a bare [z, y, x] array is opened as it is.
 */
export async function openOmeLevelZero(store: string): Promise<OmeLevelZero> {
  const folder = path.resolve(store);
  if (!existsSync(folder)) throw new Error(`No OME-Zarr at ${folder}: check the path.`);
  const multiscale = await readMultiscale(folder);
  const levelPath = multiscale ? multiscale.datasets[0]!.path.replace(/^\/+|\/+$/g, '') : '';
  const location = levelPath ? zarr.root(new DurableFileStore(folder)).resolve(levelPath) : zarr.root(new DurableFileStore(folder));
  let array: zarr.Array<zarr.DataType, DurableFileStore>;
  try {
    array = await zarr.open(location, { kind: 'array' });
  } catch (error) {
    throw new Error(`${path.join(folder, levelPath)} is not a readable Zarr array (${(error as Error).message}): check that ${folder} is an OME-Zarr image.`, { cause: error });
  }
  if (array.shape.length !== 3) {
    throw new Error(`${path.join(folder, levelPath)} has ${array.shape.length} dimensions [${array.shape.join(', ')}]; block prediction needs a 3-D [z, y, x] image (one channel, one time point).`);
  }
  return { store: folder, array, path: levelPath, multiscale };
}

async function readMultiscale(folder: string): Promise<Multiscale | null> {
  const v2 = await readJson(path.join(folder, '.zattrs'));
  const v3 = await readJson(path.join(folder, 'zarr.json'));
  const v3Attributes = (v3?.attributes ?? {}) as Record<string, unknown>;
  const ome = (v3Attributes.ome ?? {}) as Record<string, unknown>;
  const list = (v2?.multiscales ?? ome.multiscales ?? v3Attributes.multiscales) as Multiscale[] | undefined;
  if (list === undefined) return null;
  const first = list[0];
  if (!first || !Array.isArray(first.datasets) || typeof first.datasets[0]?.path !== 'string') {
    throw new Error(`The multiscales metadata in ${folder} has no datasets[0].path: the OME-Zarr is incomplete or not NGFF 0.4/0.5.`);
  }
  return { ...first, version: first.version ?? (ome.version as string | undefined) };
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
}
