import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { VolumeReadError } from './VolumeReadError.js';
import { readJpeg } from './readJpeg.js';

function encode(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rgba.set([...pixel(x, y), 255], (y * width + x) * 4);
  }
  return jpeg.encode({ width, height, data: rgba }, 100).data;
}

describe('readJpeg', () => {
  it('reads a grey JPEG as 8-bit, within JPEG error', () => {
    const bytes = encode(16, 8, (x) => [x * 16, x * 16, x * 16]);
    const volume = readJpeg(bytes, '/scans/slice.jpg');
    expect(volume).toMatchObject({ name: 'slice.jpg', width: 16, height: 8, depth: 1, dtype: 'uint8', format: 'JPEG (8-bit)' });
    for (let x = 0; x < 16; x++) expect(Math.abs(volume.data[3 * 16 + x]! - x * 16)).toBeLessThanOrEqual(3);
  });

  it('converts colour to luminance and says so', () => {
    const volume = readJpeg(encode(16, 16, () => [200, 40, 40]), 'red.jpg');
    expect(volume.format).toBe('JPEG (RGB as 8-bit grayscale)');
    expect(Math.abs(volume.data[100]! - Math.round(0.299 * 200 + 0.587 * 40 + 0.114 * 40))).toBeLessThanOrEqual(3);
  });

  it('reports a cut-off JPEG as TRUNCATED and damaged data as CORRUPT', () => {
    const bytes = encode(64, 64, (x, y) => [(x * y) & 0xff, x * 4, y * 4]);
    for (const [data, code] of [
      [bytes.subarray(0, bytes.length - 300), 'TRUNCATED'],
      [Uint8Array.of(...bytes.subarray(0, 30), 0x00, 0x00, 0xff, 0xd9), 'CORRUPT'],
    ] as const) {
      try {
        readJpeg(data, 'broken.jpg');
        throw new Error('readJpeg did not throw');
      } catch (error) {
        expect(error).toBeInstanceOf(VolumeReadError);
        expect((error as VolumeReadError).code).toBe(code);
        expect((error as VolumeReadError).message).toContain('broken.jpg');
        expect((error as VolumeReadError).hint).not.toBe('');
      }
    }
  });
});
