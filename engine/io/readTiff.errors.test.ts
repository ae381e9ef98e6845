import { describe, expect, it } from 'vitest';
import type { VolumeReadError } from './VolumeReadError.js';
import { expectReadError } from './testing/expectReadError.js';
import { readTiff } from './readTiff.js';
import type { BuildEntry } from './testing/buildTiff.js';
import { buildTiff, grayPageEntries } from './testing/buildTiff.js';
import { encodeLzw } from './tiff/encodeLzw.js';
import { writeTiff } from './writeTiff.js';

function readError(bytes: Uint8Array, file = 'broken-stack.tif'): VolumeReadError {
  return expectReadError(readTiff, bytes, file);
}

const onePage = (extra: BuildEntry[], chunk: Uint8Array = new Uint8Array(16)) => buildTiff([{ entries: grayPageEntries(4, 4, 8, extra), chunks: [chunk] }]);

describe('readTiff: bad input', () => {
  const good = writeTiff({ width: 64, height: 64, depth: 3, dtype: 'uint8', data: new Uint8Array(64 * 64 * 3).fill(9) });

  it('reports a file cut inside the last directory as TRUNCATED, naming the page', () => {
    const error = readError(good.subarray(0, good.length - 40));
    expect(error.code).toBe('TRUNCATED');
    expect(error.message).toMatch(/truncated \(page 3\)/);
    expect(error.hint).toMatch(/copy or export it again/);
  });

  it('reports a file cut inside pixel data as TRUNCATED, naming page and strip', () => {
    // A strip that claims more bytes than the file holds.
    const file = buildTiff([{ entries: grayPageEntries(4, 4, 8), chunks: [new Uint8Array(16)], byteCounts: [1_000_000] }]);
    const error = readError(file);
    expect(error.code).toBe('TRUNCATED');
    expect(error.message).toMatch(/page 1.*strip 1 of 1 should end at byte 1000008/);
  });

  it('reports a missing first directory and a cut header as TRUNCATED', () => {
    const header = Uint8Array.of(0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0);
    expect(readError(header).code).toBe('TRUNCATED');
    expect(readError(good.subarray(0, 5)).code).toBe('TRUNCATED');
  });

  it('reports unknown and unsupported compression as UNSUPPORTED with its number and name', () => {
    const jpeg = readError(onePage([{ tag: 259, type: 3, values: [7] }]));
    expect(jpeg.code).toBe('UNSUPPORTED');
    expect(jpeg.message).toMatch(/JPEG compression \(TIFF compression 7\)/);
    expect(jpeg.hint).toMatch(/uncompressed, LZW or Deflate TIFF/);
    expect(readError(onePage([{ tag: 259, type: 3, values: [34712] }])).message).toMatch(/JPEG 2000 compression \(TIFF compression 34712\)/);
    expect(readError(onePage([{ tag: 259, type: 3, values: [12345] }])).message).toMatch(/unknown compression \(TIFF compression 12345\)/);
  });

  it('reports colour spaces and sample types it cannot read as UNSUPPORTED', () => {
    const cmyk = readError(onePage([{ tag: 262, type: 3, values: [5] }, { tag: 277, type: 3, values: [4] }, { tag: 258, type: 3, values: [8, 8, 8, 8] }]));
    expect(cmyk.code).toBe('UNSUPPORTED');
    expect(cmyk.message).toMatch(/CMYK/);
    const twelve = readError(onePage([{ tag: 258, type: 3, values: [12] }]));
    expect(twelve.code).toBe('UNSUPPORTED');
    expect(twelve.message).toMatch(/12-bit unsigned samples/);
    expect(readError(onePage([{ tag: 339, type: 3, values: [6] }])).code).toBe('UNSUPPORTED');
  });

  it('reports undecodable and short strips as CORRUPT, naming page and strip', () => {
    const bits = [256, 65, 300].map((code) => code.toString(2).padStart(9, '0')).join('').padEnd(32, '0');
    const badLzw = Uint8Array.from({ length: 4 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
    const lzw = readError(onePage([{ tag: 259, type: 3, values: [5] }], badLzw));
    expect(lzw.code).toBe('CORRUPT');
    expect(lzw.message).toMatch(/page 1.*strip 1 cannot be decompressed/);
    const short = readError(onePage([{ tag: 259, type: 3, values: [5] }], encodeLzw(new Uint8Array(10))));
    expect(short.code).toBe('CORRUPT');
    expect(short.message).toMatch(/strip 1 holds 10 bytes of pixels where 16 are needed/);
    const deflate = readError(onePage([{ tag: 259, type: 3, values: [8] }], Uint8Array.of(1, 2, 3, 4)));
    expect(deflate.code).toBe('CORRUPT');
  });

  it('reports loops in the page list, zero-sized images and missing offsets as CORRUPT', () => {
    const looped = good.slice();
    const view = new DataView(looped.buffer);
    const first = view.getUint32(4, true);
    const entries = view.getUint16(first, true);
    view.setUint32(first + 2 + entries * 12, first, true); // page 1 -> page 1
    expect(readError(looped).message).toMatch(/loops back/);
    expect(readError(onePage([{ tag: 256, type: 4, values: [0] }])).code).toBe('CORRUPT');
  });

  it('reports bytes that are not TIFF as NOT_AN_IMAGE', () => {
    expect(readError(new TextEncoder().encode('these are my lab notes')).code).toBe('NOT_AN_IMAGE');
    expect(readError(Uint8Array.of(0x49, 0x49, 7, 0, 8, 0, 0, 0)).code).toBe('NOT_AN_IMAGE');
  });
});
