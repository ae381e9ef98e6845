import { describe, expect, it } from 'vitest';
import { readTiff } from './readTiff.js';
import type { BuildEntry, BuildPage } from './testing/buildTiff.js';
import { buildTiff, grayPageEntries, sampleBytes } from './testing/buildTiff.js';

/** `depth` pages of 4 × 2 16-bit samples; page z holds z * 100 + i. */
function pages(depth: number, extra: (z: number) => BuildEntry[] = () => [], littleEndian = true): BuildPage[] {
  return Array.from({ length: depth }, (_, z) => ({
    entries: grayPageEntries(4, 2, 16, extra(z)),
    chunks: [sampleBytes(Array.from({ length: 8 }, (_, i) => z * 100 + i), 'u16', littleEndian)],
  }));
}

const expected = (zs: number[]) => zs.flatMap((z) => Array.from({ length: 8 }, (_, i) => z * 100 + i));

describe('readTiff: pages and stacks', () => {
  it('reads every page as a z-slice, in both byte orders', () => {
    for (const littleEndian of [true, false]) {
      const volume = readTiff(buildTiff(pages(5, undefined, littleEndian), { littleEndian }), 'stack.tif');
      expect([volume.width, volume.height, volume.depth, volume.dtype]).toEqual([4, 2, 5, 'uint16']);
      expect(Array.from(volume.data)).toEqual(expected([0, 1, 2, 3, 4]));
    }
  });

  it('reads BigTIFF, little- and big-endian', () => {
    for (const littleEndian of [true, false]) {
      const volume = readTiff(buildTiff(pages(3, undefined, littleEndian), { littleEndian, bigTiff: true }), 'big.tif');
      expect(volume.depth).toBe(3);
      expect(Array.from(volume.data)).toEqual(expected([0, 1, 2]));
      expect(volume.format).toBe('BigTIFF (uncompressed, 16-bit)');
    }
  });

  it('skips thumbnails (reduced-resolution pages)', () => {
    const stack = pages(3);
    stack.splice(1, 0, { entries: grayPageEntries(2, 1, 8, [{ tag: 254, type: 4, values: [1] }]), chunks: [Uint8Array.of(1, 2)] });
    const volume = readTiff(buildTiff(stack), 'thumbs.tif');
    expect(volume.depth).toBe(3);
    expect(Array.from(volume.data)).toEqual(expected([0, 1, 2]));
  });

  it('reads the first channel of an ImageJ hyperstack', () => {
    const description = { tag: 270, type: 2, values: 'ImageJ=1.54f\nimages=6\nchannels=2\nslices=3\nhyperstack=true\n' };
    const volume = readTiff(buildTiff(pages(6, (z) => (z === 0 ? [description] : []))), 'hyper.tif');
    expect(volume.depth).toBe(3);
    expect(Array.from(volume.data)).toEqual(expected([0, 2, 4]));
    expect(volume.format).toBe('TIFF (uncompressed, 16-bit, channel 1 of 2)');
  });

  it('reads ImageJ stacks stored with a single IFD (images=N, data back to back)', () => {
    const description = { tag: 270, type: 2, values: 'ImageJ=1.54f\nimages=3\nslices=3\n' };
    const data = sampleBytes(expected([0, 1, 2]), 'u16', true);
    const file = buildTiff([{ entries: grayPageEntries(4, 2, 16, [description]), chunks: [data], byteCounts: [16] }]);
    const volume = readTiff(file, 'imagej-big.tif');
    expect(volume.depth).toBe(3);
    expect(Array.from(volume.data)).toEqual(expected([0, 1, 2]));
  });

  it('reports pages of another size or type as SIZE_MISMATCH naming the page', () => {
    const stack = pages(3);
    stack[2] = { entries: grayPageEntries(5, 2, 16), chunks: [new Uint8Array(20)] };
    expect(() => readTiff(buildTiff(stack), 'mixed.tif')).toThrow(
      expect.objectContaining({ code: 'SIZE_MISMATCH', file: 'mixed.tif', message: expect.stringMatching(/mixed\.tif: page 3 is 5 × 2 16-bit, but page 1 is 4 × 2 16-bit/) }),
    );
    const types = pages(2);
    types[1] = { entries: grayPageEntries(4, 2, 8), chunks: [new Uint8Array(8)] };
    expect(() => readTiff(buildTiff(types), 'types.tif')).toThrow(expect.objectContaining({ code: 'SIZE_MISMATCH', message: expect.stringContaining('page 2 is 4 × 2 8-bit') }));
  });
});
