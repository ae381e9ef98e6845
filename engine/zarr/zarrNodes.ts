import path from 'node:path';
import { writeJsonAtomic } from '../base/atomicWrite.js';
import type FileSystemStore from '@zarrita/storage/fs';
import { AtomicFileStore } from './AtomicFileStore.js';
import * as zarr from 'zarrita';
import type { VoxelType } from '../../protocol/contract.js';
import { ZARR_HINTS, ZarrError } from './ZarrError.js';
import { registerNodeCodecs } from './zarrCodecs.js';
import { readRegularFile } from '../io/readRegularFile.js';
import { checkChunkReads } from './checkedChunks.js';
import { MAX_METADATA_BYTES } from './SafeFileStore.js';
import { validateArrayMetadata } from './validateZarr.js';

export type ZarrVersion = 2 | 3;
/** Data types Membrana writes, plus uint64 label ids that other tools write and it reads. */
export type StoredType = VoxelType | 'uint64';
export type ZarrArray = zarr.Array<zarr.DataType, FileSystemStore>;

const V2_TYPES: Record<StoredType, string> = { uint8: '|u1', uint16: '<u2', uint32: '<u4', float32: '<f4', uint64: '<u8' };

export interface ArrayNodeOptions {
  shape: number[];
  chunks: number[];
  dtype: StoredType;
  /** Gzip (level 1, fast) or no compression. */
  compression: 'gzip' | 'none';
  dimensionNames: string[];
}

/** The metadata file of a node: `.zattrs` for v2 attributes, `zarr.json` for v3. */
export function metadataFile(dir: string, version: ZarrVersion): string {
  return path.join(dir, version === 2 ? '.zattrs' : 'zarr.json');
}

/** Metadata is replaced whole and fsynced: labels' .zattrs is rewritten in place when a label image is added. */
async function writeJson(file: string, value: unknown): Promise<void> {
  await writeJsonAtomic(file, value, { createFolder: true });
}

/**
 * A JSON file's content, or undefined when the file does not exist. The file must be a regular
 * file of at most 16 MiB (metadata, not a device or a pipe); errors name it.
 */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    const bytes = await readRegularFile(file, MAX_METADATA_BYTES, (kind, message, hint) => new ZarrError(kind === 'NOT_A_FILE' ? 'NOT_A_FILE' : 'INVALID_METADATA', message, { file, hint }), 'a metadata file');
    text = bytes.toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (error instanceof ZarrError) throw error;
    throw new ZarrError('INVALID_METADATA', `${file} cannot be read: ${(error as Error).message}.`, { file, hint: ZARR_HINTS.reexport, cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ZarrError('INVALID_METADATA', `${file} is not valid JSON (${(error as Error).message}).`, { file, hint: ZARR_HINTS.reexport, cause: error });
  }
}

/** Writes a group node with these attributes (v2: `.zgroup` and `.zattrs`; v3: `zarr.json`). */
export async function writeGroupNode(dir: string, version: ZarrVersion, attributes: Record<string, unknown>): Promise<void> {
  if (version === 2) {
    await writeJson(path.join(dir, '.zgroup'), { zarr_format: 2 });
    await writeJson(path.join(dir, '.zattrs'), attributes);
  } else {
    await writeJson(path.join(dir, 'zarr.json'), { zarr_format: 3, node_type: 'group', attributes });
  }
}

/** Writes an empty array node (chunks are written later); missing chunks read as 0. */
export async function writeArrayNode(dir: string, version: ZarrVersion, options: ArrayNodeOptions): Promise<void> {
  const { shape, chunks, dtype, compression } = options;
  if (version === 2) {
    await writeJson(path.join(dir, '.zarray'), {
      zarr_format: 2,
      shape,
      chunks,
      dtype: V2_TYPES[dtype],
      compressor: compression === 'gzip' ? { id: 'gzip', level: 1 } : null,
      fill_value: 0,
      order: 'C',
      filters: null,
      // Nested chunk folders keep directory listings short for large volumes.
      dimension_separator: '/',
    });
    await writeJson(path.join(dir, '.zattrs'), { _ARRAY_DIMENSIONS: options.dimensionNames });
  } else {
    await writeJson(path.join(dir, 'zarr.json'), {
      zarr_format: 3,
      node_type: 'array',
      shape,
      data_type: dtype,
      chunk_grid: { name: 'regular', configuration: { chunk_shape: chunks } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, ...(compression === 'gzip' ? [{ name: 'gzip', configuration: { level: 1 } }] : [])],
      fill_value: 0,
      dimension_names: options.dimensionNames,
      attributes: {},
    });
  }
}

/**
 * Opens the array at `relative` inside the Zarr folder `root`: its metadata is checked against
 * the Zarr specification (validateArrayMetadata) first, and every chunk read afterwards checks
 * its decoded size (checkChunkReads).
 */
export async function openArrayNode(root: string, relative: string, version: ZarrVersion): Promise<ZarrArray> {
  registerNodeCodecs();
  const where = path.join(root, relative);
  const file = path.join(where, version === 2 ? '.zarray' : 'zarr.json');
  const json = await readJson(file);
  if (json === undefined) throw new ZarrError('INVALID_METADATA', `${file} is missing: ${where} is not a Zarr v${version} array.`, { file, hint: ZARR_HINTS.reexport });
  validateArrayMetadata(json, file);
  // Chunk writes are atomic (temp + rename): a killed import, pyramid or flush never tears a chunk.
  const location = zarr.root(new AtomicFileStore(root)).resolve(relative);
  let array: ZarrArray;
  try {
    array = version === 2 ? await zarr.open.v2(location, { kind: 'array' }) : await zarr.open.v3(location, { kind: 'array' });
  } catch (error) {
    if (error instanceof ZarrError) throw error;
    throw new ZarrError('INVALID_METADATA', `${file} could not be opened as a Zarr v${version} array: ${(error as Error).message}.`, { file, hint: ZARR_HINTS.reexport, cause: error });
  }
  return checkChunkReads(array, where);
}
