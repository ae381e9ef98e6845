import path from 'node:path';
import { describeBytes, MAX_ARRAY_BYTES, memoryBudget } from '../io/memoryBudget.js';
import { ZARR_HINTS, ZarrError } from './ZarrError.js';
import type { ZarrVersion } from './zarrNodes.js';

/*
 * Zarr array metadata (.zarray for v2, zarr.json for v3) checked against the Zarr v2 and v3
 * specifications and against what Membrana can hold, before zarrita opens the array or a chunk is
 * read: format, node type, shape, chunk grid, data type, codecs or compressor, fill value.
 */

/** What the checks found out about an array: enough to size a chunk and check its decoded length. */
export interface CheckedArray {
  version: ZarrVersion;
  shape: number[];
  chunks: number[];
  /** Zarr v3 data type name ('uint8', ...), v2 ones translated. */
  dataType: string;
  bytesPerElement: number;
}

/** Data types by their v3 name, with their size; bool and complex are not image data. */
const DATA_TYPES: Record<string, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float32: 4, float64: 8 };
const V2_KINDS: Record<string, string> = { i: 'int', u: 'uint', f: 'float' };
/** Compressors and codecs zarrita (with Membrana's Node codecs) decodes. */
const V2_COMPRESSORS = new Set(['gzip', 'zlib', 'blosc', 'lz4', 'zstd']);
const V3_BYTES_CODECS = new Set(['gzip', 'zlib', 'blosc', 'zstd', 'crc32c']);
const V3_ARRAY_CODECS = new Set(['transpose']);
/** More chunks than one array may have: block lists, ledgers and listings grow with the count. */
export const MAX_CHUNKS = 2 ** 24;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDimensionList(value: unknown, min: number): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((n) => Number.isSafeInteger(n) && (n as number) >= min);
}

function invalid(file: string, what: string): ZarrError {
  return new ZarrError('INVALID_METADATA', `${file} breaks the Zarr specification: ${what}.`, { file, hint: ZARR_HINTS.reexport });
}

function unsupported(file: string, what: string, hint: string = ZARR_HINTS.reexport): ZarrError {
  return new ZarrError('UNSUPPORTED', `${file}: ${what}.`, { file, hint });
}

/** A v2 dtype string ('<u2', '|u1') as a v3 data type name, or undefined. */
function v2DataType(dtype: string): string | undefined {
  const match = /^([<>|])([iuf])(\d+)$/.exec(dtype);
  if (!match) return undefined;
  const name = `${V2_KINDS[match[2]!]}${Number(match[3]) * 8}`;
  if (DATA_TYPES[name] === undefined) return undefined;
  // One-byte types have no byte order ('|'); wider ones must say it.
  if ((match[1] === '|') !== (Number(match[3]) === 1)) return undefined;
  return name;
}

function checkFillValue(value: unknown, file: string): void {
  const ok = value === null || typeof value === 'number' || value === 'NaN' || value === 'Infinity' || value === '-Infinity' || (typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value));
  if (!ok) throw invalid(file, `fill_value ${JSON.stringify(value)} is not a number`);
}

/** Checks a v2 .zarray document. */
function checkV2(json: Record<string, unknown>, file: string): CheckedArray {
  if (json.zarr_format !== 2) throw invalid(file, `zarr_format is ${JSON.stringify(json.zarr_format)}, expected 2 in a .zarray`);
  if (!isDimensionList(json.shape, 0)) throw invalid(file, `shape ${JSON.stringify(json.shape)} is not a list of whole numbers, 0 or more`);
  if (!isDimensionList(json.chunks, 1) || json.chunks.length !== json.shape.length) throw invalid(file, `chunks ${JSON.stringify(json.chunks)} is not ${json.shape.length} whole numbers, 1 or more (one per dimension of the shape)`);
  const dataType = typeof json.dtype === 'string' ? v2DataType(json.dtype) : undefined;
  if (!dataType) throw unsupported(file, `the data type ${JSON.stringify(json.dtype)} is not a numeric type Membrana reads (|u1, <u2, <u4, <u8, <f4, ...)`);
  const compressor = json.compressor;
  if (compressor !== null && compressor !== undefined) {
    if (!isObject(compressor) || typeof compressor.id !== 'string') throw invalid(file, `compressor ${JSON.stringify(compressor)} is neither null nor an object with an "id"`);
    if (!V2_COMPRESSORS.has(compressor.id)) throw unsupported(file, `the compressor "${compressor.id}" is not one Membrana decodes (gzip, zlib, blosc, lz4, zstd)`);
  }
  if (json.filters !== null && json.filters !== undefined && !(Array.isArray(json.filters) && json.filters.length === 0)) {
    throw unsupported(file, `filters ${JSON.stringify(json.filters).slice(0, 80)} are not supported (Membrana reads arrays without filters)`);
  }
  if (json.order !== 'C' && json.order !== 'F') throw invalid(file, `order ${JSON.stringify(json.order)} is neither "C" nor "F"`);
  checkFillValue(json.fill_value, file);
  if (json.dimension_separator !== undefined && json.dimension_separator !== '.' && json.dimension_separator !== '/') {
    throw invalid(file, `dimension_separator ${JSON.stringify(json.dimension_separator)} is neither "." nor "/"`);
  }
  return { version: 2, shape: json.shape, chunks: json.chunks, dataType, bytesPerElement: DATA_TYPES[dataType]! };
}

/** Checks a v3 zarr.json document of an array. */
function checkV3(json: Record<string, unknown>, file: string): CheckedArray {
  if (json.zarr_format !== 3) throw invalid(file, `zarr_format is ${JSON.stringify(json.zarr_format)}, expected 3 in a zarr.json`);
  if (json.node_type !== 'array') throw invalid(file, `node_type is ${JSON.stringify(json.node_type)} where an array is expected`);
  if (!isDimensionList(json.shape, 0)) throw invalid(file, `shape ${JSON.stringify(json.shape)} is not a list of whole numbers, 0 or more`);
  const grid = json.chunk_grid;
  if (!isObject(grid) || grid.name !== 'regular' || !isObject(grid.configuration)) throw unsupported(file, `the chunk grid ${JSON.stringify(grid).slice(0, 80)} is not a "regular" grid`);
  const chunks = grid.configuration.chunk_shape;
  if (!isDimensionList(chunks, 1) || chunks.length !== json.shape.length) throw invalid(file, `chunk_shape ${JSON.stringify(chunks)} is not ${json.shape.length} whole numbers, 1 or more`);
  const dataType = typeof json.data_type === 'string' && DATA_TYPES[json.data_type] !== undefined ? json.data_type : undefined;
  if (!dataType) throw unsupported(file, `the data type ${JSON.stringify(json.data_type)} is not a numeric type Membrana reads (uint8, uint16, uint32, uint64, float32, ...)`);
  const encoding = json.chunk_key_encoding;
  if (!isObject(encoding) || (encoding.name !== 'default' && encoding.name !== 'v2')) throw invalid(file, `chunk_key_encoding ${JSON.stringify(encoding).slice(0, 80)} is neither "default" nor "v2"`);
  const separator = isObject(encoding.configuration) ? encoding.configuration.separator : undefined;
  if (separator !== undefined && separator !== '/' && separator !== '.') throw invalid(file, `the chunk key separator ${JSON.stringify(separator)} is neither "/" nor "."`);
  checkCodecs(json.codecs, file);
  checkFillValue(json.fill_value, file);
  const names = json.dimension_names;
  if (names !== undefined && names !== null && !(Array.isArray(names) && names.length === json.shape.length && names.every((n) => n === null || typeof n === 'string'))) {
    throw invalid(file, `dimension_names ${JSON.stringify(names)} does not name each of the ${json.shape.length} dimensions`);
  }
  return { version: 3, shape: json.shape, chunks, dataType, bytesPerElement: DATA_TYPES[dataType]! };
}

/** v3 codecs: array-to-array ones, exactly one array-to-bytes ('bytes'), then bytes-to-bytes ones (or none at all). */
function checkCodecs(codecs: unknown, file: string): void {
  if (!Array.isArray(codecs)) throw invalid(file, 'codecs is not a list');
  // zarrita writes [] for plain little-endian bytes and reads it so; a chunk that is really
  // compressed then fails the decoded-size check (checkChunkReads).
  if (codecs.length === 0) return;
  let stage = 0;
  codecs.forEach((codec, i) => {
    if (!isObject(codec) || typeof codec.name !== 'string') throw invalid(file, `codecs[${i}] is not an object with a "name"`);
    const name = codec.name;
    if (name === 'bytes') {
      if (stage > 0) throw invalid(file, 'codecs list more than one array-to-bytes codec');
      const endian = isObject(codec.configuration) ? codec.configuration.endian : undefined;
      if (endian !== undefined && endian !== 'little' && endian !== 'big') throw invalid(file, `the bytes codec's endian ${JSON.stringify(endian)} is neither "little" nor "big"`);
      stage = 1;
    } else if (V3_ARRAY_CODECS.has(name)) {
      if (stage > 0) throw invalid(file, `codec "${name}" works on arrays but comes after "bytes"`);
    } else if (V3_BYTES_CODECS.has(name)) {
      if (stage === 0) throw invalid(file, `codec "${name}" works on bytes but comes before "bytes"`);
    } else {
      throw unsupported(file, `the codec "${name}" is not one Membrana decodes (bytes, transpose, gzip, zlib, blosc, zstd, crc32c)`, 'Write the array again with gzip or no compression (for example with ome-zarr-py), then open it again.');
    }
  });
  if (stage === 0) throw invalid(file, 'codecs have no array-to-bytes codec ("bytes")');
}

/**
 * Checks an array's metadata document (parsed JSON of `file`, which ends in .zarray or
 * zarr.json), and that its chunks can be held: one decoded chunk within the memory budget, and
 * no more than MAX_CHUNKS chunks. Throws ZarrError naming the file.
 */
export function validateArrayMetadata(json: unknown, file: string): CheckedArray {
  if (!isObject(json)) throw invalid(file, 'it is not a JSON object');
  const checked = path.basename(file) === '.zarray' ? checkV2(json, file) : checkV3(json, file);
  if (checked.shape.some((n) => n === 0)) throw unsupported(file, `shape [${checked.shape.join(', ')}] has an empty dimension, so the array holds no voxels`);
  const chunkBytes = checked.chunks.reduce((a, b) => a * b, checked.bytesPerElement);
  if (chunkBytes > memoryBudget() || chunkBytes > MAX_ARRAY_BYTES) {
    throw unsupported(file, `one chunk of [${checked.chunks.join(', ')}] takes ${describeBytes(chunkBytes)} decoded, more than ${describeBytes(Math.min(memoryBudget(), MAX_ARRAY_BYTES))} Membrana may hold`, 'Rechunk the array with smaller chunks (for example 16 × 256 × 256).');
  }
  const chunkCount = checked.shape.reduce((n, size, a) => n * Math.ceil(size / checked.chunks[a]!), 1);
  if (chunkCount > MAX_CHUNKS) {
    throw unsupported(file, `shape [${checked.shape.join(', ')}] in chunks of [${checked.chunks.join(', ')}] makes ${chunkCount.toExponential(2)} chunks, more than the ${MAX_CHUNKS.toLocaleString('en')} Membrana handles in one array`, 'Check the shape; if it is right, rechunk the array with larger chunks.');
  }
  return checked;
}

/**
 * Checks a group's own metadata: v2 `.zgroup` says zarr_format 2; v3 `zarr.json` says
 * zarr_format 3 and node_type group. `json` undefined means the file is missing.
 */
export function validateGroupMetadata(json: unknown, file: string): void {
  if (json === undefined) return;
  if (!isObject(json)) throw invalid(file, 'it is not a JSON object');
  const expected = path.basename(file) === '.zgroup' ? 2 : 3;
  if (json.zarr_format !== expected) throw invalid(file, `zarr_format is ${JSON.stringify(json.zarr_format)}, expected ${expected}`);
  if (expected === 3 && json.node_type !== 'group') {
    throw new ZarrError('NOT_OME_ZARR', `${file} describes a Zarr ${JSON.stringify(json.node_type)}, not a group, but it holds the image's multiscales metadata.`, { file, hint: 'Choose the image folder (whose zarr.json says node_type "group" and lists multiscales).' });
  }
}

/** A dataset path stays inside the store: relative, no '..' part, no backslashes. */
export function checkDatasetPath(value: string, file: string): string {
  const parts = value.replace(/^\/+|\/+$/g, '').split('/');
  if (value.startsWith('/') || value.includes('\\') || parts.some((part) => part === '..' || part === '.' || part === '')) {
    throw invalid(file, `the dataset path ${JSON.stringify(value)} does not name a folder inside the image`);
  }
  return parts.join('/');
}

/** The number of dimensions an NGFF image's axes give must be the array's. */
export function checkAxesMatch(axes: unknown, dimensions: number, file: string, arrayFile: string): void {
  if (Array.isArray(axes) && axes.length !== dimensions) {
    throw new ZarrError('INVALID_METADATA', `${file} lists ${axes.length} axes, but the array ${arrayFile} has ${dimensions} dimensions.`, { file, hint: ZARR_HINTS.reexport });
  }
}

/** NGFF scales are positive finite sizes, one per axis; a zero or negative one makes no voxel size. */
export function checkScale(scale: unknown, file: string, rank?: number): void {
  const ok = Array.isArray(scale) && (rank === undefined || scale.length === rank) && scale.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0);
  if (!ok) {
    throw new ZarrError('INVALID_METADATA', `${file}: the scale ${JSON.stringify(scale)} is not ${rank ?? 'a list of'} positive sizes${rank === undefined ? '' : ', one per axis'}.`, { file, hint: ZARR_HINTS.reexport });
  }
}
