import { describe, expect, it } from 'vitest';
import type { VolumeReadError } from './VolumeReadError.js';
import { expectReadError } from './testing/expectReadError.js';
import { readPng } from './readPng.js';
import { buildPng } from './testing/buildPng.js';

const luma = (r: number, g: number, b: number) => Math.round(0.299 * r + 0.587 * g + 0.114 * b);

function readError(bytes: Uint8Array, file = 'slice_07.png'): VolumeReadError {
  return expectReadError(readPng, bytes, file);
}

describe('readPng', () => {
  it('reads 8-bit grey as uint8', () => {
    const samples = [0, 1, 127, 128, 254, 255];
    const volume = readPng(buildPng({ width: 3, height: 2, colorType: 0, bitDepth: 8, samples }), '/data/em/slice_01.png');
    expect(volume).toMatchObject({ name: 'slice_01.png', source: '/data/em/slice_01.png', width: 3, height: 2, depth: 1, dtype: 'uint8', format: 'PNG (8-bit)' });
    expect(volume.voxelSize).toEqual({ x: 1, y: 1, z: 1, unit: 'px' });
    expect(Array.from(volume.data)).toEqual(samples);
  });

  it('keeps 16-bit grey as uint16', () => {
    const samples = [0, 1, 255, 256, 32768, 65535];
    const volume = readPng(buildPng({ width: 3, height: 2, colorType: 0, bitDepth: 16, samples }), 'deep.png');
    expect(volume.dtype).toBe('uint16');
    expect(volume.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(volume.data)).toEqual(samples);
    expect(volume.format).toBe('PNG (16-bit)');
  });

  it('stretches 1-, 2- and 4-bit grey to 0..255', () => {
    expect(Array.from(readPng(buildPng({ width: 3, height: 1, colorType: 0, bitDepth: 1, samples: [1, 0, 1] }), 'm.png').data)).toEqual([255, 0, 255]);
    expect(Array.from(readPng(buildPng({ width: 4, height: 1, colorType: 0, bitDepth: 2, samples: [0, 1, 2, 3] }), 'm.png').data)).toEqual([0, 85, 170, 255]);
    const four = readPng(buildPng({ width: 3, height: 1, colorType: 0, bitDepth: 4, samples: [0, 7, 15] }), 'm.png');
    expect(Array.from(four.data)).toEqual([0, 119, 255]);
    expect(four.format).toBe('PNG (4-bit as 8-bit)');
  });

  it('ignores alpha of grey + alpha, 8- and 16-bit', () => {
    expect(Array.from(readPng(buildPng({ width: 2, height: 1, colorType: 4, bitDepth: 8, samples: [10, 0, 20, 255] }), 'a.png').data)).toEqual([10, 20]);
    const sixteen = readPng(buildPng({ width: 2, height: 1, colorType: 4, bitDepth: 16, samples: [1000, 0, 60000, 65535] }), 'a.png');
    expect(Array.from(sixteen.data)).toEqual([1000, 60000]);
    expect(sixteen.format).toBe('PNG (16-bit, alpha ignored)');
  });

  it('converts RGB, RGBA and palette images to luminance', () => {
    const rgb = readPng(buildPng({ width: 3, height: 1, colorType: 2, bitDepth: 8, samples: [255, 0, 0, 0, 255, 0, 9, 9, 9] }), 'c.png');
    expect(Array.from(rgb.data)).toEqual([luma(255, 0, 0), luma(0, 255, 0), 9]);
    expect(rgb.format).toBe('PNG (RGB 8-bit as 8-bit grayscale)');
    const rgba = readPng(buildPng({ width: 2, height: 1, colorType: 6, bitDepth: 8, samples: [0, 0, 255, 7, 200, 200, 200, 0] }), 'c.png');
    expect(Array.from(rgba.data)).toEqual([luma(0, 0, 255), 200]);
    const deep = readPng(buildPng({ width: 2, height: 1, colorType: 2, bitDepth: 16, samples: [65535, 0, 0, 30000, 30000, 30000] }), 'c.png');
    expect(deep.dtype).toBe('uint16');
    expect(Array.from(deep.data)).toEqual([Math.round(0.299 * 65535), 30000]);
    const palette = readPng(buildPng({ width: 3, height: 1, colorType: 3, bitDepth: 2, samples: [0, 1, 2], palette: [[0, 0, 0], [255, 0, 0], [50, 50, 50]] }), 'p.png');
    expect(Array.from(palette.data)).toEqual([0, luma(255, 0, 0), 50]);
    expect(palette.format).toBe('PNG (palette as 8-bit grayscale)');
  });

  it('reports a cut-off PNG as TRUNCATED', () => {
    const png = buildPng({ width: 64, height: 64, colorType: 0, bitDepth: 8, samples: new Uint8Array(4096).map((_, i) => i * 31) });
    const error = readError(png.subarray(0, png.length - 30));
    expect(error.code).toBe('TRUNCATED');
    expect(error.message).toMatch(/slice_07\.png is truncated/);
    expect(readError(png.subarray(0, 33)).code).toBe('TRUNCATED'); // header only
  });

  it('reports damaged data as CORRUPT', () => {
    const png = buildPng({ width: 64, height: 64, colorType: 0, bitDepth: 8, samples: new Uint8Array(4096).map((_, i) => i * 31) });
    const damaged = png.slice();
    damaged[60] = damaged[60]! ^ 0xff; // inside IDAT: the CRC no longer matches
    const error = readError(damaged);
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toMatch(/slice_07\.png is a damaged PNG/);
    const noHeader = png.slice();
    noHeader.set(Buffer.from('IDAT'), 12);
    expect(readError(noHeader).code).toBe('CORRUPT');
  });

  it('reports other bytes as NOT_AN_IMAGE', () => {
    expect(readError(new TextEncoder().encode('hello')).code).toBe('NOT_AN_IMAGE');
  });
});
