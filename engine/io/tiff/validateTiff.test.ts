import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { craftTiff, greyEntries } from '../../fuzz/craftTiff.js';
import { readTiff } from '../readTiff.js';
import { expectReadError } from '../testing/expectReadError.js';
import { encodeLzw } from './encodeLzw.js';

const file = 'declared.tif';
const page = (entries: ReturnType<typeof greyEntries>, chunk: Uint8Array) => craftTiff([{ entries, chunks: [chunk] }]);

describe('validateTiff: sizes are checked before anything is allocated', () => {
  afterEach(() => {
    delete process.env.MEMBRANA_MEMORY_BUDGET;
  });

  it('refuses a 100000² page whose strip cannot hold it, as CORRUPT naming the strip', () => {
    const error = expectReadError(readTiff, page(greyEntries(100000, 100000, 8), new Uint8Array(64)), file);
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toMatch(/strip 1 of 1 stores 64 bytes, too few for the 10,000,000,000 bytes/);
  });

  it('refuses a 30000² float64 page of deflated zeros (a zip bomb) without a raw RangeError', () => {
    const error = expectReadError(readTiff, page(greyEntries(30000, 30000, 64, [], 8, 3), zlib.deflateSync(new Uint8Array(1 << 20))), file);
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toMatch(/Deflate-compressed \(at most 1100:1\)/);
  });

  it('refuses a page that fits its data but not the memory budget, as TOO_LARGE', () => {
    process.env.MEMBRANA_MEMORY_BUDGET = '1MiB';
    const error = expectReadError(readTiff, page(greyEntries(2000, 1000, 8, [], 5), encodeLzw(new Uint8Array(2000 * 1000))), file);
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toMatch(/2,000 × 1,000 voxels, 4\.0 MB to decode, more than the 1\.0 MB/);
  });

  it('refuses tag counts that reach past the end of the file as TRUNCATED, even for unused tags', () => {
    const error = expectReadError(readTiff, page(greyEntries(8, 8, 8, [{ tag: 270, type: 2, values: [65, 0], count: 0xfffffff0 }]), new Uint8Array(64)), file);
    expect(error.code).toBe('TRUNCATED');
    expect(error.message).toMatch(/tag 270 should hold 4,294,967,280 bytes/);
    const unused = expectReadError(readTiff, page(greyEntries(8, 8, 8, [{ tag: 305, type: 2, values: [65, 0], count: 5000 }]), new Uint8Array(64)), file);
    expect(unused.code).toBe('TRUNCATED');
  });

  it('refuses sizes stored as signed or rational fields, RowsPerStrip 0 and a directory without entries', () => {
    const rational = page([{ tag: 256, type: 5, values: [8, 0] }, ...greyEntries(8, 8, 8).filter((e) => e.tag !== 256)], new Uint8Array(64));
    expect(expectReadError(readTiff, rational, file).message).toMatch(/tag 256 has field type 5/);
    const rows = page([...greyEntries(8, 8, 8).filter((e) => e.tag !== 278), { tag: 278, type: 4, values: [0] }], new Uint8Array(64));
    expect(expectReadError(readTiff, rows, file).message).toMatch(/RowsPerStrip is 0/);
    const empty = Uint8Array.of(0x49, 0x49, 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(expectReadError(readTiff, empty, file).message).toMatch(/has no entries/);
  });

  it('still reads a valid page at the edge of the ratio check (all-zero LZW data)', () => {
    const volume = readTiff(page(greyEntries(512, 512, 8, [], 5), encodeLzw(new Uint8Array(512 * 512))), file);
    expect(volume.width).toBe(512);
    expect(volume.data.every((v) => v === 0)).toBe(true);
  });
});
