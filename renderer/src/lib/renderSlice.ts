import type { VoxelType } from '../../../protocol/contract.js';

/** The data range mapped to black..white; values outside it clamp. */
export interface DisplayRange {
  low: number;
  high: number;
}

/** The part of a Slice needed to draw it. */
export interface SliceData {
  width: number;
  height: number;
  dtype: VoxelType;
  data: ArrayBuffer;
}

const OPAQUE = 0xff000000;

/** One RGBA pixel as a little-endian uint32 (every platform Membrana runs on is little-endian). */
function grey(level: number): number {
  return (OPAQUE | (level << 16) | (level << 8) | level) >>> 0;
}

/**
 * The grey level (0..255) for `value` under `range`. A window with high <= low is a threshold
 * at low (a step function), which is what dragging the sliders onto each other should mean.
 * NaN maps to 0 (black) so holes in float data do not look like signal.
 */
export function greyLevel(value: number, range: DisplayRange): number {
  if (Number.isNaN(value)) return 0;
  const { low, high } = range;
  if (!(high > low)) return value >= low ? 255 : 0;
  if (value <= low) return 0;
  if (value >= high) return 255;
  return Math.round(((value - low) / (high - low)) * 255);
}

/** A lookup table from every uint8 or uint16 value to an RGBA pixel (as uint32). */
export function buildLut(dtype: 'uint8' | 'uint16', range: DisplayRange): Uint32Array {
  const size = dtype === 'uint8' ? 256 : 65536;
  const lut = new Uint32Array(size);
  for (let v = 0; v < size; v++) lut[v] = grey(greyLevel(v, range));
  return lut;
}

/** Number of voxels the slice holds, checked against its buffer so a short buffer fails loudly. */
function voxelCount(slice: SliceData): number {
  const count = slice.width * slice.height;
  const bytes = slice.dtype === 'uint8' ? 1 : slice.dtype === 'uint16' ? 2 : 4; // uint32, float32
  if (slice.data.byteLength < count * bytes) {
    throw new Error(
      `Slice data is ${slice.data.byteLength} bytes but ${slice.width} × ${slice.height} ${slice.dtype} needs ${count * bytes}.`,
    );
  }
  return count;
}

/**
 * Converts a slice of raw voxels to opaque greyscale RGBA under a display range: a lookup table
 * for integer types, arithmetic for float32. Writes into `out` when given (reused between
 * frames to spare the garbage collector on 4096² slices).
 */
export function renderSlice(
  slice: SliceData,
  range: DisplayRange,
  out?: Uint8ClampedArray<ArrayBuffer>,
): Uint8ClampedArray<ArrayBuffer> {
  const count = voxelCount(slice);
  const rgba = out && out.length === count * 4 ? out : new Uint8ClampedArray(count * 4);
  const pixels = new Uint32Array(rgba.buffer, rgba.byteOffset, count);
  if (slice.dtype === 'float32' || slice.dtype === 'uint32') {
    // Too many levels for a lookup table: map arithmetically.
    const values = slice.dtype === 'float32' ? new Float32Array(slice.data, 0, count) : new Uint32Array(slice.data, 0, count);
    const { low, high } = range;
    if (high > low) {
      const gain = 255 / (high - low);
      for (let i = 0; i < count; i++) {
        const v = values[i]!;
        // NaN fails both comparisons and lands in the final branch as 0.
        const level = v >= high ? 255 : v > low ? Math.round((v - low) * gain) : 0;
        pixels[i] = grey(level);
      }
    } else {
      for (let i = 0; i < count; i++) pixels[i] = grey(greyLevel(values[i]!, range));
    }
    return rgba;
  }
  const lut = buildLut(slice.dtype, range);
  const values = slice.dtype === 'uint8' ? new Uint8Array(slice.data, 0, count) : new Uint16Array(slice.data, 0, count);
  for (let i = 0; i < count; i++) pixels[i] = lut[values[i]!]!;
  return rgba;
}

/** The raw voxel value at integer pixel (x, y), or null outside the slice. */
export function voxelAt(slice: SliceData, x: number, y: number): number | null {
  if (x < 0 || y < 0 || x >= slice.width || y >= slice.height) return null;
  const i = y * slice.width + x;
  if (slice.dtype === 'uint8') return new Uint8Array(slice.data, i, 1)[0]!;
  if (slice.dtype === 'uint16') return new DataView(slice.data).getUint16(i * 2, true);
  if (slice.dtype === 'uint32') return new DataView(slice.data).getUint32(i * 4, true);
  return new DataView(slice.data).getFloat32(i * 4, true);
}
