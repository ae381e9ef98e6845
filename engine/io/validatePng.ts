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
  const corrupt = (what: string) => new VolumeReadError('CORRUPT', file, `${file} is a damaged PNG: ${what}.`, 'Export the image again, or open it in an image editor and save it as a new PNG.');
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
      file,
      `${file} is too large to open: ${width.toLocaleString('en')} × ${height.toLocaleString('en')} pixels take ${describeBytes(total)} to decode, more than ${total > budget ? `the ${describeBytes(budget)} Membrana may use (MEMBRANA_MEMORY_BUDGET)` : 'the 4 GiB one array can hold'}.`,
      HINTS.tooLarge,
    );
  }
}
