import { buildLut, greyLevel, type DisplayRange, type SliceData } from '../renderSlice.js';

/** Opaque grey RGBA pixels for the slice plane, row 0 first (image row 0 lies at y = 0). */
export interface SliceTexturePixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The longest side the plane's texture gets: a 4096² slice would take 64 MB of GPU memory (85 with
 * mipmaps) for a plane usually seen a few hundred pixels wide; 2048² is sharp at any size the
 * panel shows it.
 */
export const MAX_SLICE_TEXTURE = 2048;

const BYTES: Record<SliceData['dtype'], number> = { uint8: 1, uint16: 2, uint32: 4, float32: 4 };

/**
 * The slice as the slice view shows it (the same contrast window), averaged down by a whole
 * factor until both sides fit `maxSize`. A uint8 or uint16 slice maps through a lookup table,
 * others value by value.
 */
export function sliceTexturePixels(slice: SliceData, range: DisplayRange, maxSize = MAX_SLICE_TEXTURE): SliceTexturePixels {
  const { width, height, dtype } = slice;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) throw new RangeError(`A slice of ${width} × ${height} pixels cannot be drawn on the 3D view's plane.`);
  if (slice.data.byteLength < width * height * BYTES[dtype]) {
    throw new RangeError(`Slice data is ${slice.data.byteLength} bytes but ${width} × ${height} ${dtype} needs ${width * height * BYTES[dtype]}.`);
  }
  const values = dtype === 'uint8' ? new Uint8Array(slice.data) : dtype === 'uint16' ? new Uint16Array(slice.data) : dtype === 'uint32' ? new Uint32Array(slice.data) : new Float32Array(slice.data);
  const lut = dtype === 'uint8' || dtype === 'uint16' ? buildLut(dtype, range) : null;
  const factor = Math.max(1, Math.ceil(Math.max(width, height) / maxSize));
  const outWidth = Math.ceil(width / factor);
  const outHeight = Math.ceil(height / factor);
  const data = new Uint8Array(outWidth * outHeight * 4);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      let count = 0;
      for (let sy = y * factor; sy < Math.min(height, (y + 1) * factor); sy++) {
        for (let sx = x * factor, row = sy * width; sx < Math.min(width, (x + 1) * factor); sx++) {
          const value = values[row + sx]!;
          // The lookup table holds opaque grey RGBA: its low byte is the grey level.
          sum += lut ? lut[value]! & 0xff : greyLevel(value, range);
          count++;
        }
      }
      const grey = Math.round(sum / count);
      const at = (y * outWidth + x) * 4;
      data[at] = grey;
      data[at + 1] = grey;
      data[at + 2] = grey;
      data[at + 3] = 255;
    }
  }
  return { data, width: outWidth, height: outHeight };
}
