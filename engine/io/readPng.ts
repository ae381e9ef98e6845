import path from 'node:path';
import pngjs from 'pngjs';
import type { Volume, VoxelArray } from './Volume.js';
import { pixelVoxelSize } from './Volume.js';
import { HINTS, VolumeReadError } from './VolumeReadError.js';
import { rgbToLuminance } from './luminance.js';
import { validatePngHeader } from './validatePng.js';

const { PNG } = pngjs;
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOUR_NAMES: Record<number, string> = { 0: 'grey', 2: 'RGB', 3: 'palette', 4: 'grey + alpha', 6: 'RGBA' };

/**
 * Reads a PNG (any colour type and bit depth) as a one-slice volume. Grey stays grey (16-bit
 * stays uint16, 1/2/4-bit is stretched to 0..255); colour and palette images become luminance,
 * and alpha is ignored. PNG has no voxel size we can trust (pHYs is mostly screen DPI), so it is px.
 */
export function readPng(bytes: Uint8Array, file: string): Volume {
  checkChunks(bytes, file);
  validatePngHeader(bytes, file);
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true });
  } catch (error) {
    throw new VolumeReadError(
    'CORRUPT',
    `${file} is a damaged PNG: ${(error as Error).message}.`,
    { file, hint: 'Export the image again, or open it in an image editor and save it as a new PNG.', cause: error },
  );
  }
  const { width, height, depth: bits } = png;
  const colorType: number = png.colorType; // the typings leave out 3 (palette), which pngjs reports
  const pixels = width * height;
  const rgba = png.data as unknown as Uint8Array | Uint16Array; // 4 samples per pixel; Uint16Array when 16-bit
  const sixteen = bits === 16;
  const data: VoxelArray = sixteen ? new Uint16Array(pixels) : new Uint8Array(pixels);
  let described: string;
  if (colorType === 0 || colorType === 4) {
    for (let i = 0; i < pixels; i++) data[i] = rgba[i * 4]!;
    if (bits < 8) {
      const scale = 255 / ((1 << bits) - 1);
      for (let i = 0; i < pixels; i++) data[i] = data[i]! * scale;
      described = `${bits}-bit as 8-bit`;
    } else {
      described = `${bits}-bit`;
    }
    if (colorType === 4) described += ', alpha ignored';
  } else {
    rgbToLuminance(rgba, 4, data);
    described = colorType === 3 ? 'palette as 8-bit grayscale' : `${COLOUR_NAMES[colorType] ?? 'colour'} ${bits}-bit as ${sixteen ? '16' : '8'}-bit grayscale`;
  }
  return {
    name: path.basename(file),
    source: file,
    format: `PNG (${described})`,
    width,
    height,
    depth: 1,
    dtype: sixteen ? 'uint16' : 'uint8',
    data,
    voxelSize: pixelVoxelSize(),
  };
}

/**
 * Walks the chunk list before decoding, so that a cut-off file is reported as TRUNCATED (pngjs
 * only says "some read requests waiting on finished stream").
 */
function checkChunks(bytes: Uint8Array, file: string): void {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new VolumeReadError('NOT_AN_IMAGE', `${file} is not a PNG image (it lacks the PNG signature).`, { file, hint: HINTS.formats });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let sawImageData = false;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (at === 8 && type !== 'IHDR') {
      throw new VolumeReadError('CORRUPT', `${file} is a damaged PNG: it starts with a ${JSON.stringify(type)} chunk instead of IHDR.`, { file, hint: HINTS.recopy });
    }
    const end = at + 12 + length;
    if (end > bytes.length) {
      throw new VolumeReadError('TRUNCATED', `${file} is truncated: its ${JSON.stringify(type)} chunk should end at byte ${end}, but the file ends at byte ${bytes.length}.`, { file, hint: HINTS.recopy });
    }
    if (type === 'IDAT') sawImageData = true;
    if (type === 'IEND') return;
    at = end;
  }
  const missing = sawImageData ? 'its end marker (IEND)' : 'its image data';
  throw new VolumeReadError('TRUNCATED', `${file} is truncated: ${missing} is missing after byte ${at}.`, { file, hint: HINTS.recopy });
}
