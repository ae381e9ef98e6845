import zlib from 'node:zlib';
import { HINTS, VolumeReadError } from './VolumeReadError.js';
import { describeBytes, MAX_ARRAY_BYTES, memoryBudget } from './memoryBudget.js';

/** Bit depths the PNG specification allows for each colour type. */
const BIT_DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** PNG's largest width or height (2^31 - 1). */
const MAX_EDGE = 2 ** 31 - 1;

/**
 * Checks a PNG's IHDR against the PNG specification and the memory decoding it takes (the
 * decoder holds the inflated scanlines and 4 samples per pixel), before the decoder allocates
 * anything. `bytes` has passed the signature and chunk-list checks, so IHDR is complete.
 */
export function validatePngHeader(bytes: Uint8Array, file: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8);
  const corrupt = (what: string) => new VolumeReadError('CORRUPT', `${file} is a damaged PNG: ${what}.`, { file, hint: 'Export the image again, or open it in an image editor and save it as a new PNG.' });
  if (length !== 13) throw corrupt(`its IHDR chunk is ${length} bytes long instead of 13`);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [bitDepth, colourType, compression, filter, interlace] = [bytes[24]!, bytes[25]!, bytes[26]!, bytes[27]!, bytes[28]!];
  if (!(width > 0 && height > 0 && width <= MAX_EDGE && height <= MAX_EDGE)) throw corrupt(`its size is ${width} × ${height} pixels`);
  const depths = BIT_DEPTHS[colourType];
  if (!depths) throw corrupt(`colour type ${colourType} does not exist (PNG has 0, 2, 3, 4 and 6)`);
  if (!depths.includes(bitDepth)) throw corrupt(`bit depth ${bitDepth} is not allowed for colour type ${colourType} (allowed: ${depths.join(', ')})`);
  if (compression !== 0 || filter !== 0 || interlace > 1) throw corrupt(`compression ${compression}, filter ${filter} or interlace ${interlace} is not one PNG defines`);
  const pixels = width * height;
  const sampleBytes = bitDepth === 16 ? 2 : 1;
  const rgba = pixels * 4 * sampleBytes;
  const scanlines = height * (1 + Math.ceil((width * CHANNELS[colourType]! * bitDepth) / 8));
  const total = rgba + scanlines + pixels * sampleBytes;
  const budget = memoryBudget();
  if (total > budget || Math.max(rgba, scanlines) > MAX_ARRAY_BYTES) {
    throw new VolumeReadError(
      'TOO_LARGE',
      `${file} is too large to open: ${width.toLocaleString('en')} × ${height.toLocaleString('en')} pixels take ${describeBytes(total)} to decode, more than ${total > budget ? `the ${describeBytes(budget)} Membrana may use (MEMBRANA_MEMORY_BUDGET)` : 'the 4 GiB one array can hold'}.`,
      { file, hint: HINTS.tooLarge },
    );
  }
  checkImageData(bytes, file, width, height, CHANNELS[colourType]! * bitDepth, interlace === 1, corrupt);
}

/** Adam7's seven passes: start and step in x and y. */
const ADAM7 = [
  [0, 8, 0, 8],
  [4, 8, 0, 8],
  [0, 4, 4, 8],
  [2, 4, 0, 4],
  [0, 2, 2, 4],
  [1, 2, 0, 2],
  [0, 1, 1, 2],
] as const;

/** Bytes of filtered scanlines a PNG's image data must inflate to (one filter byte per row). */
export function scanlineBytes(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (w: number, h: number) => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8)));
  if (!interlaced) return rows(width, height);
  return ADAM7.reduce((sum, [x0, dx, y0, dy]) => sum + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

/**
 * The image data (all IDAT chunks) inflates to exactly the scanlines the header declares: the
 * decoder fills short data with zeros and drops extra data without a word.
 */
function checkImageData(bytes: Uint8Array, file: string, width: number, height: number, bitsPerPixel: number, interlaced: boolean, corrupt: (what: string) => VolumeReadError): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (type === 'IDAT') parts.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  const expected = scanlineBytes(width, height, bitsPerPixel, interlaced);
  let inflated: number;
  try {
    inflated = zlib.inflateSync(Buffer.concat(parts), { maxOutputLength: expected + 1 }).length;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') inflated = expected + 1;
    else throw corrupt(`its image data cannot be inflated (${(error as Error).message})`);
  }
  if (inflated !== expected) throw corrupt(`its image data holds ${inflated > expected ? 'more than' : 'only'} ${Math.min(inflated, expected).toLocaleString('en')} bytes of the ${expected.toLocaleString('en')} its ${width} × ${height} pixels need`);
}
