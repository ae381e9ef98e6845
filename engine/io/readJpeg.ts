import path from 'node:path';
import jpeg from 'jpeg-js';
import type { Volume } from './Volume.js';
import { pixelVoxelSize } from './Volume.js';
import { HINTS, VolumeReadError } from './VolumeReadError.js';
import { hasColour, rgbToLuminance } from './luminance.js';
import { memoryBudget } from './memoryBudget.js';

/**
 * Reads a baseline or progressive JPEG as a one-slice 8-bit volume (colour becomes luminance).
 * JPEG is lossy, so it is accepted for viewing but never written. Voxel size: px.
 */
export function readJpeg(bytes: Uint8Array, file: string): Volume {
  let image: { width: number; height: number; data: Uint8Array };
  try {
    // Limits well above jpeg-js's defaults (100 MP, 512 MB): EM slices can be large.
    image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: 1000, maxMemoryUsageInMB: Math.max(64, Math.floor(memoryBudget() / 2 ** 20)) });
  } catch (error) {
    const ends = bytes.length >= 2 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
    const reason = (error as Error).message;
    if (!ends) {
      throw new VolumeReadError('TRUNCATED', `${file} is truncated: the JPEG data stops before its end marker (${reason}).`, { file, hint: HINTS.recopy, cause: error });
    }
    throw new VolumeReadError('CORRUPT', `${file} is a damaged JPEG: ${reason}.`, { file, hint: 'Export the image again, preferably as PNG or TIFF (lossless).', cause: error });
  }
  const { width, height } = image;
  const data = new Uint8Array(width * height);
  rgbToLuminance(image.data, 3, data);
  return {
    name: path.basename(file),
    source: file,
    format: hasColour(image.data, 3, width * height) ? 'JPEG (RGB as 8-bit grayscale)' : 'JPEG (8-bit)',
    width,
    height,
    depth: 1,
    dtype: 'uint8',
    data,
    voxelSize: pixelVoxelSize(),
  };
}
