import type { VoxelArray } from '../Volume.js';
import { rgbToLuminance } from '../luminance.js';
import type { TiffFile } from './TiffFile.js';
import type { TiffPage } from './TiffPage.js';
import { pageVoxelType } from './TiffPage.js';
import { tiffDecompress } from './tiffDecompress.js';
import { undoFloatPredictor } from './undoFloatPredictor.js';

/** Samples as stored in the file, in native byte order (16-bit floats as raw bits). */
export type SampleArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes one page into `out` (width × height voxels of the page's voxel type). `scratch` holds
 * the page's raw samples when they need converting (colour, signed, sub-byte, ...); pass the
 * previous page's scratch back in to reuse it. Returns the scratch to keep.
 */
export function decodeTiffPage(tiff: TiffFile, page: TiffPage, out: VoxelArray, scratch?: SampleArray): SampleArray | undefined {
  const direct = page.samplesPerPixel === 1 && (page.photometric === 0 || page.photometric === 1) && sameSampleType(page, out);
  if (direct) {
    decodeSamples(tiff, page, out);
    if (page.photometric === 0) invert(page, out);
    return scratch;
  }
  const length = page.width * page.height * page.samplesPerPixel;
  const samples = scratch && scratch.length === length && scratch.constructor === sampleArrayType(page) ? scratch : createSampleArray(page, length);
  decodeSamples(tiff, page, samples);
  samplesToVoxels(page, samples, out);
  return samples;
}

function sampleArrayType(page: TiffPage): new (length: number) => SampleArray {
  const { bitsPerSample: bits, sampleKind: kind } = page;
  if (bits <= 8) return kind === 'int' ? Int8Array : Uint8Array;
  if (bits === 16) return kind === 'int' ? Int16Array : Uint16Array; // float16: raw bits
  if (bits === 32) return kind === 'float' ? Float32Array : kind === 'int' ? Int32Array : Uint32Array;
  return Float64Array;
}

function createSampleArray(page: TiffPage, length: number): SampleArray {
  return new (sampleArrayType(page))(length);
}

function sameSampleType(page: TiffPage, out: VoxelArray): boolean {
  const type = pageVoxelType(page);
  if (page.bitsPerSample < 8 || page.photometric === 3) return false;
  return (type === 'uint8' && out instanceof Uint8Array) || (type === 'uint16' && out instanceof Uint16Array) || (page.sampleKind === 'float' && page.bitsPerSample === 32 && out instanceof Float32Array);
}

/** Decompresses every strip or tile of the page and places its samples, undoing predictors. */
function decodeSamples(tiff: TiffFile, page: TiffPage, samples: SampleArray): void {
  const { width, height, samplesPerPixel: spp, bitsPerSample: bits, planar, chunkWidth, chunkHeight, chunksAcross, chunksDown } = page;
  const chunkSpp = planar === 1 ? spp : 1;
  const rowBytes = Math.ceil((chunkWidth * chunkSpp * bits) / 8);
  const bytesPerSample = bits >> 3;
  const swap = bytesPerSample > 1 && tiff.littleEndian !== HOST_LITTLE_ENDIAN;
  const sampleBytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const perPlane = chunksAcross * chunksDown;
  const chunkCount = perPlane * (planar === 2 ? spp : 1);
  const chunkName = page.tiled ? 'tile' : 'strip';
  const integers = page.predictor === 2 ? integerView(samples) : undefined;
  let rowScratch: Uint8Array | undefined;

  for (let c = 0; c < chunkCount; c++) {
    const plane = Math.floor(c / perPlane);
    const within = c % perPlane;
    const x0 = (within % chunksAcross) * chunkWidth;
    const y0 = Math.floor(within / chunksAcross) * chunkHeight;
    const validWidth = Math.min(chunkWidth, width - x0);
    const validRows = Math.min(chunkHeight, height - y0);
    const needed = rowBytes * validRows;
    const offset = page.offsets[c]!;
    const raw = tiff.bytes.subarray(offset, offset + page.byteCounts[c]!);
    let data: Uint8Array;
    try {
      data = tiffDecompress(page.compression, raw, rowBytes * (page.tiled ? chunkHeight : validRows));
    } catch (error) {
      throw tiff.corrupt(`${chunkName} ${c + 1} cannot be decompressed (${(error as Error).message})`, page.index);
    }
    if (data.length < needed) {
      throw tiff.corrupt(`${chunkName} ${c + 1} holds ${data.length} bytes of pixels where ${needed} are needed`, page.index);
    }
    if (page.predictor === 3) {
      // Always decompressed into a fresh buffer here (the predictor is ignored for raw data).
      rowScratch ??= new Uint8Array(rowBytes);
      undoFloatPredictor(data, rowBytes, validRows, bytesPerSample, chunkSpp, tiff.littleEndian, rowScratch);
    }
    const runSamples = validWidth * chunkSpp;
    if (bits < 8) {
      for (let r = 0; r < validRows; r++) {
        unpackBits(data, r * rowBytes, runSamples, bits, samples, ((y0 + r) * width + x0) * spp + plane, planar === 2 ? spp : 1);
      }
    } else if (planar === 1) {
      const runBytes = runSamples * bytesPerSample;
      if (chunkWidth === width) {
        // Whole rows: one copy for the strip.
        const at = y0 * width * spp * bytesPerSample;
        sampleBytes.set(data.subarray(0, runBytes * validRows), at);
        if (swap) swapBytes(sampleBytes, at, runBytes * validRows, bytesPerSample);
      } else {
        for (let r = 0; r < validRows; r++) {
          const at = ((y0 + r) * width + x0) * spp * bytesPerSample;
          sampleBytes.set(data.subarray(r * rowBytes, r * rowBytes + runBytes), at);
          if (swap) swapBytes(sampleBytes, at, runBytes, bytesPerSample);
        }
      }
    } else {
      for (let r = 0; r < validRows; r++) {
        const from = r * rowBytes;
        const first = ((y0 + r) * width + x0) * spp + plane;
        for (let i = 0; i < validWidth; i++) {
          const at = (first + i * spp) * bytesPerSample;
          for (let b = 0; b < bytesPerSample; b++) {
            sampleBytes[at + (swap ? bytesPerSample - 1 - b : b)] = data[from + i * bytesPerSample + b]!;
          }
        }
      }
    }
    if (integers) undoHorizontalDifferencing(integers, width, spp, x0, y0, validWidth, validRows, planar === 2 ? plane : -1);
  }
}

/** Horizontal differencing works on the sample bits as integers, floats included (as libtiff does). */
function integerView(samples: SampleArray): Exclude<SampleArray, Float32Array | Float64Array> {
  if (samples instanceof Float32Array) return new Uint32Array(samples.buffer, samples.byteOffset, samples.length);
  if (samples instanceof Float64Array) throw new Error('horizontal differencing of 64-bit samples'); // rejected by describeTiffPage
  return samples;
}

/** Re-accumulates Predictor 2 within one chunk; typed-array stores wrap like the encoder's arithmetic. */
function undoHorizontalDifferencing(
  a: Exclude<SampleArray, Float32Array | Float64Array>,
  width: number,
  spp: number,
  x0: number,
  y0: number,
  validWidth: number,
  validRows: number,
  plane: number,
): void {
  for (let r = 0; r < validRows; r++) {
    const base = ((y0 + r) * width + x0) * spp;
    if (plane < 0) {
      const end = base + validWidth * spp;
      for (let j = base + spp; j < end; j++) a[j] = a[j]! + a[j - spp]!;
    } else {
      for (let i = 1; i < validWidth; i++) {
        const j = base + i * spp + plane;
        a[j] = a[j]! + a[j - spp]!;
      }
    }
  }
}

function unpackBits(data: Uint8Array, from: number, count: number, bits: number, out: SampleArray, first: number, stride: number): void {
  const mask = (1 << bits) - 1;
  for (let i = 0; i < count; i++) {
    const bit = i * bits;
    out[first + i * stride] = (data[from + (bit >> 3)]! >> (8 - bits - (bit & 7))) & mask;
  }
}

function swapBytes(bytes: Uint8Array, at: number, length: number, size: number): void {
  for (let i = at, end = at + length; i < end; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = bytes[lo]!;
      bytes[lo] = bytes[hi]!;
      bytes[hi] = t;
    }
  }
}

/** Turns a page's raw samples into voxels: palette and RGB to grey, first sample, scaling, inversion. */
function samplesToVoxels(page: TiffPage, samples: SampleArray, out: VoxelArray): void {
  const { samplesPerPixel: spp, bitsPerSample: bits } = page;
  const n = out.length;
  const values: ArrayLike<number> = page.sampleKind === 'float' && bits === 16 ? halfToFloat(samples as Uint16Array) : samples;
  if (page.photometric === 3) {
    const colorMap = page.colorMap!;
    const entries = 2 ** bits;
    const grey = new Uint8Array(entries);
    for (let i = 0; i < entries; i++) {
      grey[i] = (19595 * colorMap[i]! + 38470 * colorMap[entries + i]! + 7471 * colorMap[2 * entries + i]!) / 65536 / 257 + 0.5;
    }
    for (let i = 0; i < n; i++) out[i] = grey[values[i * spp]!]!;
    return;
  }
  if (page.photometric === 2) {
    rgbToLuminance(values, spp, out);
  } else if (spp === 1) {
    out.set(values);
  } else {
    for (let i = 0; i < n; i++) out[i] = values[i * spp]!;
  }
  if (bits < 8) {
    const scale = 255 / ((1 << bits) - 1);
    for (let i = 0; i < n; i++) out[i] = out[i]! * scale;
  }
  if (page.photometric === 0) invert(page, out);
}

/** WhiteIsZero: flips unsigned values within their range; signed and float values are negated. */
function invert(page: TiffPage, out: VoxelArray): void {
  const n = out.length;
  const max = out instanceof Uint8Array ? 255 : out instanceof Uint16Array ? 65535 : page.sampleKind === 'uint' ? 2 ** page.bitsPerSample - 1 : 0;
  if (max !== 0) for (let i = 0; i < n; i++) out[i] = max - out[i]!;
  else for (let i = 0; i < n; i++) out[i] = -out[i]!;
}

function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 31) out[i] = fraction ? NaN : sign * Infinity;
    else out[i] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}
