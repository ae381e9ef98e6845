import type { VoxelArray } from './Volume.js';

/**
 * Converts interleaved RGB(A) samples to grey values with the ITU-R BT.601 luma weights
 * (0.299, 0.587, 0.114), as most image tools do for "convert to grayscale". Integer outputs are
 * rounded (weights in 1/65536, so grey input stays exactly the same); extra samples such as
 * alpha are ignored.
 */
export function rgbToLuminance(rgb: ArrayLike<number>, samplesPerPixel: number, out: VoxelArray): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    for (let i = 0, j = 0; i < n; i++, j += samplesPerPixel) {
      out[i] = 0.299 * rgb[j]! + 0.587 * rgb[j + 1]! + 0.114 * rgb[j + 2]!;
    }
    return;
  }
  // Stores into Uint8Array/Uint16Array truncate, so adding half rounds.
  for (let i = 0, j = 0; i < n; i++, j += samplesPerPixel) {
    out[i] = (19595 * rgb[j]! + 38470 * rgb[j + 1]! + 7471 * rgb[j + 2]! + 32768) / 65536;
  }
}

/** True when some pixel's red, green and blue differ (the image has colour, not just grey). */
export function hasColour(rgb: ArrayLike<number>, samplesPerPixel: number, pixels: number): boolean {
  for (let j = 0, end = pixels * samplesPerPixel; j < end; j += samplesPerPixel) {
    if (rgb[j] !== rgb[j + 1] || rgb[j] !== rgb[j + 2]) return true;
  }
  return false;
}
