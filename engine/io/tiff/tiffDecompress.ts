import zlib from 'node:zlib';
import { decodeLzw } from './decodeLzw.js';
import { decodePackBits } from './decodePackBits.js';

/** Zstandard arrived in Node 22.15 / 23.8; Electron ships it, plain Node 20 does not. */
const zstdDecompressSync = (zlib as unknown as { zstdDecompressSync?: (data: Uint8Array) => Buffer }).zstdDecompressSync;

/** TIFF compression codes this build can decode. */
export function canDecompress(compression: number): boolean {
  return compression === 1 || compression === 5 || compression === 8 || compression === 32946 || compression === 32773 || ((compression === 50000 || compression === 34926) && zstdDecompressSync !== undefined);
}

/**
 * Decompresses one strip or tile. Returns at least `expected` bytes when the data holds them
 * (uncompressed data is returned as a view into `data`, not copied); fewer means the chunk is
 * short. Throws a plain Error on inconsistent data; the caller names the file, page and chunk.
 */
export function tiffDecompress(compression: number, data: Uint8Array, expected: number): Uint8Array {
  switch (compression) {
    case 1:
      return data;
    case 5: {
      const output = new Uint8Array(expected);
      return output.subarray(0, decodeLzw(data, output));
    }
    case 8:
    case 32946:
      // Z_SYNC_FLUSH: accept streams without the final checksum, as some writers produce them.
      return zlib.inflateSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 32773: {
      const output = new Uint8Array(expected);
      return output.subarray(0, decodePackBits(data, output));
    }
    case 34926:
    case 50000:
      if (zstdDecompressSync) return zstdDecompressSync(data);
      throw new Error('Zstandard needs Node 22.15 or later');
    default:
      throw new Error(`compression ${compression} is not supported`);
  }
}
