import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import type { VoxelType } from '../../protocol/contract.js';
import type { VoxelArray } from './Volume.js';
import { readTiff } from './readTiff.js';
import type { WriteTiffOptions } from './writeTiff.js';
import { pixelsPerUnit, writeTiff } from './writeTiff.js';

/** Deterministic test data with smooth areas (compressible) and noise (not), per type. */
function sampleVolume(dtype: VoxelType, width: number, height: number, depth: number): VoxelArray {
  const n = width * height * depth;
  const data = dtype === 'uint8' ? new Uint8Array(n) : dtype === 'uint16' ? new Uint16Array(n) : dtype === 'uint32' ? new Uint32Array(n) : new Float32Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const x = i % width;
    const smooth = x < width / 2;
    if (dtype === 'uint8') data[i] = smooth ? (x * 3 + Math.floor(i / width)) & 0xff : seed >>> 24;
    else if (dtype === 'uint16') data[i] = smooth ? (x * 300 + i) & 0xffff : seed >>> 16;
    // Segment ids: long runs of one id (compressible), and ids above 2^24 that float32 would round.
    else if (dtype === 'uint32') data[i] = smooth ? 16777217 + Math.floor(x / 37) * 1000003 + Math.floor(i / width / 40) : seed;
    else data[i] = smooth ? Math.sin(i / 7) * 1000 : (seed / 2 ** 32 - 0.5) * 1e-3;
  }
  return data;
}

async function readWithGeotiff(bytes: Uint8Array): Promise<ArrayLike<number>[]> {
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const pages: ArrayLike<number>[] = [];
  const count = await tiff.getImageCount();
  for (let i = 0; i < count; i++) {
    const image = await tiff.getImage(i);
    const [raster] = (await image.readRasters()) as unknown as [ArrayLike<number>];
    pages.push(raster);
  }
  return pages;
}

/** Index of the first differing value, or -1 (much faster than toEqual on large arrays). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const DTYPES: VoxelType[] = ['uint8', 'uint16', 'uint32', 'float32'];
const COMPRESSIONS = ['none', 'lzw', 'deflate'] as const;

describe('writeTiff', () => {
  // 300 px wide: 16-bit rows are 600 bytes, so 109 rows fill a ~64 KiB strip and a 150-row
  // page needs two (float32: three).
  const [width, height, depth] = [300, 150, 2];

  for (const dtype of DTYPES) {
    for (const compression of COMPRESSIONS) {
      for (const predictor of [false, true]) {
        const options: WriteTiffOptions = { compression, predictor };
        it(`round-trips ${dtype}, ${compression}${predictor ? ', predictor' : ''} through readTiff and geotiff`, async () => {
          const data = sampleVolume(dtype, width, height, depth);
          const bytes = writeTiff({ width, height, depth, dtype, data }, options);
          const back = readTiff(bytes, 'roundtrip.tif');
          expect([back.width, back.height, back.depth, back.dtype]).toEqual([width, height, depth, dtype]);
          expect(back.data).toBeInstanceOf(data.constructor);
          expect(firstDifference(back.data, data)).toBe(-1);
          const pages = await readWithGeotiff(bytes);
          expect(pages.length).toBe(depth);
          const pixels = width * height;
          pages.forEach((page, z) => expect(firstDifference(page, data.subarray(z * pixels, (z + 1) * pixels))).toBe(-1));
        });
      }
    }
  }

  it('names compression and type in the format read back', () => {
    const data = sampleVolume('uint16', 16, 16, 1);
    expect(readTiff(writeTiff({ width: 16, height: 16, depth: 1, dtype: 'uint16', data }, { compression: 'lzw' }), 'a.tif').format).toBe('TIFF (LZW, 16-bit)');
    const float = sampleVolume('float32', 16, 16, 1);
    expect(readTiff(writeTiff({ width: 16, height: 16, depth: 1, dtype: 'float32', data: float }, { compression: 'deflate' }), 'b.tif').format).toBe(
      'TIFF (Deflate, 32-bit float)',
    );
  });

  it('writes uint32 segment ids as 32-bit unsigned samples with the voxel size', () => {
    const data = Uint32Array.from({ length: 6 * 4 * 3 }, (_, i) => (i < 24 ? 0 : 4294967295 - Math.floor(i / 7)));
    const voxelSize = { x: 4, y: 4, z: 50, unit: 'nm' };
    const bytes = writeTiff({ width: 6, height: 4, depth: 3, dtype: 'uint32', data, voxelSize }, { compression: 'deflate', predictor: true });
    const back = readTiff(bytes, 'segments.tif');
    expect([back.dtype, back.format, back.voxelSize]).toEqual(['uint32', 'TIFF (Deflate, 32-bit unsigned)', voxelSize]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('writes strips of about 64 KiB', () => {
    const data = new Uint8Array(1024 * 200);
    const bytes = writeTiff({ width: 1024, height: 200, depth: 1, dtype: 'uint8', data });
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const ifd = view.getUint32(4, true);
    const entries = view.getUint16(ifd, true);
    const tags = new Map<number, number>();
    for (let i = 0; i < entries; i++) tags.set(view.getUint16(ifd + 2 + i * 12, true), view.getUint32(ifd + 2 + i * 12 + 8, true));
    expect(tags.get(278)).toBe(64); // RowsPerStrip: 64 rows × 1024 bytes = 64 KiB
  });

  it('round-trips physical voxel sizes exactly', () => {
    const data = new Uint8Array(4 * 3 * 2);
    for (const voxelSize of [
      { x: 4, y: 4, z: 50, unit: 'nm' },
      { x: 3.7, y: 0.1, z: 45.25, unit: 'nm' },
      { x: 1 / 3, y: 2.5e-3, z: 1e5, unit: 'nm' },
      { x: 2, y: 3, z: 7, unit: 'parsec' },
    ]) {
      const back = readTiff(writeTiff({ width: 4, height: 3, depth: 2, dtype: 'uint8', data, voxelSize }), 'v.tif');
      expect(back.voxelSize).toEqual(voxelSize);
    }
  });

  it('converts micrometre and centimetre voxel sizes to nanometres', () => {
    const data = new Uint8Array(4);
    const micro = readTiff(writeTiff({ width: 2, height: 2, depth: 1, dtype: 'uint8', data, voxelSize: { x: 0.004, y: 0.004, z: 0.05, unit: 'µm' } }), 'u.tif');
    expect(micro.voxelSize).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
    const centi = readTiff(writeTiff({ width: 2, height: 2, depth: 1, dtype: 'uint8', data, voxelSize: { x: 1e-6, y: 2e-6, z: 5e-6, unit: 'cm' } }), 'c.tif');
    expect(centi.voxelSize).toEqual({ x: 10, y: 20, z: 50, unit: 'nm' });
  });

  it('writes no physical size for px volumes, and keeps a free description', () => {
    const data = new Uint8Array(4);
    const bytes = writeTiff({ width: 2, height: 2, depth: 1, dtype: 'uint8', data, voxelSize: { x: 1, y: 1, z: 1, unit: 'px' }, description: 'membrane probability, model v3' });
    expect(Buffer.from(bytes).includes('membrane probability, model v3')).toBe(true);
    expect(readTiff(bytes, 'p.tif').voxelSize).toEqual({ x: 1, y: 1, z: 1, unit: 'px' });
    const withUnit = writeTiff({ width: 2, height: 2, depth: 1, dtype: 'uint8', data, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' }, description: 'unit=furlong\nnotes' });
    expect(readTiff(withUnit, 'q.tif').voxelSize).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
  });

  it('rejects inconsistent volumes with a message that says what is wrong', () => {
    expect(() => writeTiff({ width: 2, height: 2, depth: 2, dtype: 'uint8', data: new Uint8Array(5) })).toThrow(/holds 5 voxels but 2 × 2 × 2 = 8/);
    expect(() => writeTiff({ width: 2, height: 2, depth: 1, dtype: 'uint16', data: new Uint8Array(4) })).toThrow(/dtype is uint16 but data is a Uint8Array/);
    expect(() => writeTiff({ width: 0, height: 2, depth: 1, dtype: 'uint8', data: new Uint8Array(0) })).toThrow(/width must be a positive integer/);
    expect(() => writeTiff({ width: 1, height: 1, depth: 1, dtype: 'uint8', data: new Uint8Array(1), voxelSize: { x: -1, y: 1, z: 1, unit: 'nm' } })).toThrow(/voxel size x/);
  });
});

describe('pixelsPerUnit', () => {
  it('finds 32-bit rationals whose inverse is exactly the size', () => {
    for (const size of [4, 0.5, 3.7, 0.004, 1 / 3, 123456.789, 1e-9]) {
      const [numerator, denominator] = pixelsPerUnit(size);
      expect(numerator).toBeLessThanOrEqual(0xffffffff);
      expect(denominator).toBeLessThanOrEqual(0xffffffff);
      expect(denominator / numerator).toBeCloseTo(size, 12);
    }
    expect(pixelsPerUnit(4)).toEqual([1, 4]);
    expect(pixelsPerUnit(0.5)).toEqual([2, 1]);
  });
});
