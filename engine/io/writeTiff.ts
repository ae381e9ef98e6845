import zlib from 'node:zlib';
import type { VoxelSize, VoxelType } from '../../protocol/contract.js';
import type { VoxelArray } from './Volume.js';
import { BYTES_PER_VOXEL } from './Volume.js';
import { encodeLzw } from './tiff/encodeLzw.js';
import { formatImageJDescription } from './tiff/imageJDescription.js';
import { FieldType, Tag } from './tiff/tiffTags.js';
import { applyFloatPredictor } from './tiff/undoFloatPredictor.js';
import type { IfdEntry } from './tiff/writeIfd.js';
import { ifdByteLength, writeIfd } from './tiff/writeIfd.js';

/** What writeTiff needs of a volume. */
export interface WritableVolume {
  width: number;
  height: number;
  depth: number;
  dtype: VoxelType;
  /** z-major, then row-major. */
  data: VoxelArray;
  voxelSize?: VoxelSize;
  /** Free text stored in the first page's ImageDescription (after ImageJ's lines when there are any). */
  description?: string;
}

export interface WriteTiffOptions {
  /** Default 'none'. */
  compression?: 'none' | 'lzw' | 'deflate';
  /** Horizontal differencing (integers) or the floating point predictor (float32); only with compression. */
  predictor?: boolean;
}

/** Aim for strips of about this many bytes, as libtiff does for good streaming and compression. */
const STRIP_BYTES = 64 * 1024;
const COMPRESSION_CODES = { none: 1, lzw: 5, deflate: 8 } as const;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writes a volume as a multi-page little-endian TIFF, one page per z-slice, that ImageJ/Fiji,
 * libtiff and this engine's readTiff read back. A physical voxel size (any unit but 'px') is
 * stored as XResolution/YResolution (pixels per unit) plus an ImageJ description with the unit
 * and the z spacing; readTiff returns nanometre sizes exactly, others converted to nanometres.
 * uint32 (segment ids) is stored as 32-bit unsigned samples (SampleFormat 1), which readTiff
 * reads back as uint32 and ImageJ opens as 32-bit.
 */
export function writeTiff(volume: WritableVolume, options: WriteTiffOptions = {}): Uint8Array {
  const { width, height, depth, dtype, data } = volume;
  checkVolume(volume);
  const compression = options.compression ?? 'none';
  const predictor = options.predictor === true && compression !== 'none' ? (dtype === 'float32' ? 3 : 2) : 1;
  const bytesPerSample = BYTES_PER_VOXEL[dtype];
  const rowBytes = width * bytesPerSample;
  const rowsPerStrip = Math.max(1, Math.min(height, Math.floor(STRIP_BYTES / rowBytes)));
  const stripsPerPage = Math.ceil(height / rowsPerStrip);
  const pixels = width * height;
  const resolution = physicalResolution(volume.voxelSize);
  const description =
    resolution || depth > 1
      ? formatImageJDescription({ slices: depth, ...(resolution ? { unit: resolution.unit, spacing: resolution.spacing } : {}), ...(volume.description ? { extra: volume.description } : {}) })
      : volume.description;

  const strips: Uint8Array[][] = [];
  const predictorScratch = new Uint8Array(rowBytes);
  for (let z = 0; z < depth; z++) {
    const page = littleEndianBytes(data.subarray(z * pixels, (z + 1) * pixels));
    const pageStrips: Uint8Array[] = [];
    for (let s = 0; s < stripsPerPage; s++) {
      const rows = Math.min(rowsPerStrip, height - s * rowsPerStrip);
      let strip = page.subarray(s * rowsPerStrip * rowBytes, (s * rowsPerStrip + rows) * rowBytes);
      if (predictor !== 1) {
        strip = strip.slice();
        if (predictor === 3) applyFloatPredictor(strip, rowBytes, rows, 4, 1, true, predictorScratch);
        else applyHorizontalDifferencing(strip, width, rows, bytesPerSample);
      }
      if (compression === 'lzw') strip = encodeLzw(strip);
      else if (compression === 'deflate') strip = zlib.deflateSync(strip);
      pageStrips.push(strip);
    }
    strips.push(pageStrips);
  }

  // Layout: header, then per page its strips followed by its IFD (word-aligned).
  const entriesFor = (z: number, stripOffsets: number[]): IfdEntry[] => {
    const counts = strips[z]!.map((strip) => strip.length);
    const entries: IfdEntry[] = [
      { tag: Tag.NewSubfileType, type: FieldType.LONG, values: [0] },
      { tag: Tag.ImageWidth, type: FieldType.LONG, values: [width] },
      { tag: Tag.ImageLength, type: FieldType.LONG, values: [height] },
      { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: [bytesPerSample * 8] },
      { tag: Tag.Compression, type: FieldType.SHORT, values: [COMPRESSION_CODES[compression]] },
      { tag: Tag.PhotometricInterpretation, type: FieldType.SHORT, values: [1] },
    ];
    if (z === 0 && description) entries.push({ tag: Tag.ImageDescription, type: FieldType.ASCII, values: asciiBytes(description) });
    entries.push(
      { tag: Tag.StripOffsets, type: FieldType.LONG, values: stripOffsets },
      { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [1] },
      { tag: Tag.RowsPerStrip, type: FieldType.LONG, values: [rowsPerStrip] },
      { tag: Tag.StripByteCounts, type: FieldType.LONG, values: counts },
    );
    if (resolution) {
      entries.push(
        { tag: Tag.XResolution, type: FieldType.RATIONAL, values: resolution.x },
        { tag: Tag.YResolution, type: FieldType.RATIONAL, values: resolution.y },
        { tag: Tag.ResolutionUnit, type: FieldType.SHORT, values: [resolution.unit === 'cm' ? 3 : 1] },
      );
    }
    entries.push({ tag: Tag.Software, type: FieldType.ASCII, values: asciiBytes('Membrana') });
    if (predictor !== 1) entries.push({ tag: Tag.Predictor, type: FieldType.SHORT, values: [predictor] });
    entries.push({ tag: Tag.SampleFormat, type: FieldType.SHORT, values: [dtype === 'float32' ? 3 : 1] });
    return entries;
  };

  let size = 8;
  const pageLayout: { stripOffsets: number[]; ifdOffset: number; entries: IfdEntry[] }[] = [];
  for (let z = 0; z < depth; z++) {
    const stripOffsets: number[] = [];
    for (const strip of strips[z]!) {
      stripOffsets.push(size);
      size += strip.length;
    }
    size += size & 1;
    const entries = entriesFor(z, stripOffsets);
    pageLayout.push({ stripOffsets, ifdOffset: size, entries });
    size += ifdByteLength(entries);
    size += size & 1;
  }
  if (size > 0xffffffff) {
    throw new RangeError(`writeTiff: the TIFF would be ${size} bytes, over the 4 GiB a classic TIFF can address; write fewer slices per file.`);
  }

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0], 0);
  view.setUint32(4, pageLayout[0]!.ifdOffset, true);
  for (let z = 0; z < depth; z++) {
    const layout = pageLayout[z]!;
    strips[z]!.forEach((strip, s) => out.set(strip, layout.stripOffsets[s]!));
    writeIfd(view, layout.ifdOffset, layout.entries, pageLayout[z + 1]?.ifdOffset ?? 0);
  }
  return out;
}

function checkVolume(volume: WritableVolume): void {
  const { width, height, depth, dtype, data } = volume;
  for (const [name, value] of [['width', width], ['height', height], ['depth', depth]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`writeTiff: ${name} must be a positive integer, got ${value}.`);
  }
  const expected = dtype === 'uint8' ? Uint8Array : dtype === 'uint16' ? Uint16Array : dtype === 'uint32' ? Uint32Array : dtype === 'float32' ? Float32Array : undefined;
  if (!expected) throw new TypeError(`writeTiff: unknown dtype '${String(dtype)}' (use uint8, uint16, uint32 or float32).`);
  if (!(data instanceof expected)) throw new TypeError(`writeTiff: dtype is ${dtype} but data is a ${data.constructor.name}.`);
  if (data.length !== width * height * depth) {
    throw new RangeError(`writeTiff: data holds ${data.length} voxels but ${width} × ${height} × ${depth} = ${width * height * depth} are needed.`);
  }
}

/** The page's bytes in little-endian order: a view on little-endian hosts, a swapped copy otherwise. */
function littleEndianBytes(page: VoxelArray): Uint8Array {
  const bytes = new Uint8Array(page.buffer, page.byteOffset, page.byteLength);
  if (HOST_LITTLE_ENDIAN || page.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  const size = page.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += size) for (let b = 0; b < size; b++) swapped[i + b] = bytes[i + size - 1 - b]!;
  return swapped;
}

/** TIFF Predictor 2 on little-endian rows of 8-, 16- or 32-bit samples, in place (differences wrap, as libtiff's do). */
function applyHorizontalDifferencing(strip: Uint8Array, width: number, rows: number, bytesPerSample: number): void {
  if (bytesPerSample === 1) {
    for (let r = 0; r < rows; r++) {
      const start = r * width;
      for (let i = start + width - 1; i > start; i--) strip[i] = strip[i]! - strip[i - 1]!;
    }
    return;
  }
  const view = new DataView(strip.buffer, strip.byteOffset, strip.byteLength);
  if (bytesPerSample === 4) {
    for (let r = 0; r < rows; r++) {
      const start = r * width * 4;
      for (let i = width - 1; i > 0; i--) {
        const at = start + i * 4;
        view.setUint32(at, (view.getUint32(at, true) - view.getUint32(at - 4, true)) >>> 0, true);
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const start = r * width * 2;
    for (let i = width - 1; i > 0; i--) {
      const at = start + i * 2;
      view.setUint16(at, (view.getUint16(at, true) - view.getUint16(at - 2, true)) & 0xffff, true);
    }
  }
}

function asciiBytes(text: string): number[] {
  const values: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    values.push(code < 128 ? code : 63); // '?': ASCII tags are 7-bit (non-ASCII was escaped before)
  }
  values.push(0);
  return values;
}

/**
 * XResolution/YResolution for a physical voxel size: pixels per unit as rationals chosen so that
 * denominator / numerator is exactly the voxel size (readTiff computes it that way).
 */
function physicalResolution(voxelSize: VoxelSize | undefined): { x: number[]; y: number[]; unit: string; spacing: number } | undefined {
  if (!voxelSize || voxelSize.unit.trim() === '' || voxelSize.unit === 'px') return undefined;
  for (const axis of ['x', 'y', 'z'] as const) {
    const value = voxelSize[axis];
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`writeTiff: voxel size ${axis} must be a positive number, got ${value}.`);
  }
  return { x: pixelsPerUnit(voxelSize.x), y: pixelsPerUnit(voxelSize.y), unit: voxelSize.unit, spacing: voxelSize.z };
}

/** [numerator, denominator] of 1 / size with denominator / numerator === size where 32 bits allow. */
export function pixelsPerUnit(size: number): [number, number] {
  const max = 0xffffffff;
  for (let numerator = 1; numerator <= 1e9; numerator *= 10) {
    const denominator = Math.round(size * numerator);
    if (denominator > max) break;
    if (denominator > 0 && denominator / numerator === size) return reduce(numerator, denominator);
  }
  for (let numerator = 2; numerator <= 2 ** 31; numerator *= 2) {
    const denominator = Math.round(size * numerator);
    if (denominator > max) break;
    if (denominator > 0 && denominator / numerator === size) return [numerator, denominator];
  }
  // Not representable exactly: the closest fraction with 32-bit terms (continued fractions).
  return closestFraction(1 / size, max);
}

function reduce(numerator: number, denominator: number): [number, number] {
  let [a, b] = [numerator, denominator];
  while (b !== 0) [a, b] = [b, a % b];
  return [numerator / a, denominator / a];
}

function closestFraction(value: number, max: number): [number, number] {
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = value;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(x);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (h2 > max || k2 > max) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    if (x === a) break;
    x = 1 / (x - a);
  }
  return h1 === 0 ? [1, Math.min(max, Math.round(1 / value))] : [h1, k1];
}
