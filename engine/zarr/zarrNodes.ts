import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type FileSystemStore from '@zarrita/storage/fs';
import { AtomicFileStore } from './AtomicFileStore.js';
import * as zarr from 'zarrita';
import type { VoxelType } from '../../protocol/contract.js';
import { ZARR_HINTS, ZarrError } from './ZarrError.js';
import { registerNodeCodecs } from './zarrCodecs.js';

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

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** A JSON file's content, or undefined when the file does not exist. */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ZarrError('INVALID_METADATA', file, `${file} is not valid JSON (${(error as Error).message}).`, ZARR_HINTS.reexport, { cause: error });
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

/** Opens the array at `relative` inside the Zarr folder `root`. */
export async function openArrayNode(root: string, relative: string, version: ZarrVersion): Promise<ZarrArray> {
  registerNodeCodecs();
  // Chunk writes are atomic (temp + rename): a killed import, pyramid or flush never tears a chunk.
  const location = zarr.root(new AtomicFileStore(root)).resolve(relative);
  const where = path.join(root, relative);
  try {
    return version === 2 ? await zarr.open.v2(location, { kind: 'array' }) : await zarr.open.v3(location, { kind: 'array' });
  } catch (error) {
    const file = path.join(where, version === 2 ? '.zarray' : 'zarr.json');
    throw new ZarrError('INVALID_METADATA', file, `${file} could not be opened as a Zarr v${version} array: ${(error as Error).message}.`, ZARR_HINTS.reexport, { cause: error });
  }
}
