import type { DrawContext } from './Layer.js';

/** A rectangle of pixels, x1 and y1 exclusive. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Pixels converted per strip: 1 MB of RGBA, whatever the slice size. */
const STRIP_PIXELS = 1 << 18;

/**
 * Fills `box` of a canvas, strip by strip: `fill(pixels, x0, y0, width, rows)` writes the packed
 * RGBA (little-endian uint32 per pixel) of image rows y0..y0+rows, columns x0..x0+width. Memory
 * is one strip, never a whole-slice buffer (64 MB of RGBA on a 4096² slice).
 */
export function paintStrips(context: DrawContext, box: PixelBox, fill: (pixels: Uint32Array, x0: number, y0: number, width: number, rows: number) => void): void {
  const width = box.x1 - box.x0;
  const height = box.y1 - box.y0;
  if (width <= 0 || height <= 0) return;
  const rows = Math.max(1, Math.min(height, Math.floor(STRIP_PIXELS / width)));
  let strip: ImageData | null = null;
  for (let y = box.y0; y < box.y1; y += rows) {
    const count = Math.min(rows, box.y1 - y);
    if (!strip || strip.height !== count) strip = new ImageData(width, count);
    fill(new Uint32Array(strip.data.buffer, 0, width * count), box.x0, y, width, count);
    context.putImageData(strip, box.x0, y);
  }
}

/** The box around these pixel indices of a slice `width` wide, or null when there are none. */
export function boxOf(indices: Uint32Array, width: number): PixelBox | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    const y = Math.floor(i / width);
    const x = i - y * width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x1 < x0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Rows of a slice through a lookup table: pixels[k] = lut[offset + values[i]] (0, transparent, past the table's end). */
export function lookUpRows(pixels: Uint32Array, values: Uint8Array, sliceWidth: number, lut: Uint32Array, offset: number, x0: number, y0: number, width: number, rows: number): void {
  let k = 0;
  for (let y = y0; y < y0 + rows; y++) {
    const row = y * sliceWidth;
    for (let x = x0; x < x0 + width; x++) pixels[k++] = lut[offset + values[row + x]!] ?? 0;
  }
}
