import { readFileSync } from 'node:fs';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { readTiff } from './readTiff.js';

const DATA = new URL('../../../shared/data/isbi2012/', import.meta.url);
const TRAIN = new URL('train-volume.tif', DATA);

/** Mean, min and max of a slice, for comparing against an independent reader. */
function stats(values: ArrayLike<number>): { mean: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: sum / values.length, min, max };
}

describe('readTiff on the ISBI 2012 training volume', () => {
  const bytes = new Uint8Array(readFileSync(TRAIN));

  it('reads shape, type, format and voxel size', () => {
    const volume = readTiff(bytes, TRAIN.pathname);
    expect(volume.name).toBe('train-volume.tif');
    expect([volume.width, volume.height, volume.depth]).toEqual([512, 512, 22]);
    expect(volume.dtype).toBe('uint8');
    expect(volume.data).toBeInstanceOf(Uint8Array);
    expect(volume.data.length).toBe(512 * 512 * 22);
    expect(volume.format).toBe('TIFF (uncompressed, 8-bit)');
    // The file's resolution is 1/1 without a unit: it does not say.
    expect(volume.voxelSize).toEqual({ x: 1, y: 1, z: 1, unit: 'px' });
  });

  it('matches geotiff pixel for pixel and in statistics on the first and last slice', async () => {
    const volume = readTiff(bytes, TRAIN.pathname);
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const count = await tiff.getImageCount();
    expect(count).toBe(volume.depth);
    const pixels = volume.width * volume.height;
    for (const z of [0, count - 1]) {
      const image = await tiff.getImage(z);
      const [raster] = (await image.readRasters()) as unknown as [Uint8Array];
      const ours = volume.data.subarray(z * pixels, (z + 1) * pixels);
      expect(Buffer.compare(Buffer.from(ours), Buffer.from(raster))).toBe(0);
      expect(stats(ours)).toEqual(stats(raster));
    }
    // A plausible EM slice: full 8-bit dynamic range and a mid-grey mean.
    const first = stats(volume.data.subarray(0, pixels));
    expect(first.mean).toBeGreaterThan(60);
    expect(first.mean).toBeLessThan(200);
  });

  it('reads the 30-slice test volume well under 200 ms', () => {
    const test = new Uint8Array(readFileSync(new URL('test-volume.tif', DATA)));
    readTiff(test, 'test-volume.tif'); // warm-up (JIT)
    const start = performance.now();
    const volume = readTiff(test, 'test-volume.tif');
    const elapsed = performance.now() - start;
    expect([volume.width, volume.height, volume.depth]).toEqual([512, 512, 30]);
    expect(elapsed).toBeLessThan(200);
  });
});
