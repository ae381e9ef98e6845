import type * as zarr from 'zarrita';
import { isCancellation } from '../base/cancellation.js';
import { ZARR_HINTS, ZarrError } from './ZarrError.js';

type AnyArray = zarr.Array<zarr.DataType, zarr.Readable>;

/**
 * Makes every chunk read of `array` (zarr.get, zarr.set's read of edge chunks, getChunk) check
 * what it decoded: a chunk must give exactly one value per voxel of the chunk shape (a chunk
 * that inflates to 100 bytes where 8 KiB belong, or data written with another dtype or codec,
 * is damaged, not short data to pad). A chunk that cannot be read or decoded becomes a
 * CORRUPT_CHUNK ZarrError naming `folder` and the chunk; a cancel passes through.
 */
export function checkChunkReads<T extends AnyArray>(array: T, folder: string): T {
  const original = array.getChunk.bind(array);
  const expected = array.chunks.reduce((a, b) => a * b, 1);
  const patched = async (...args: Parameters<T['getChunk']>) => {
    const coords = args[0] as number[];
    // Named as ChunkCache and readRegion name chunks: "chunk (z, y, x) (1, 0, 0)".
    const where = `${folder}: chunk ${coords.length === 3 ? '(z, y, x) ' : ''}(${coords.join(', ')})`;
    let chunk: Awaited<ReturnType<T['getChunk']>>;
    try {
      chunk = (await original(...(args as Parameters<AnyArray['getChunk']>))) as Awaited<ReturnType<T['getChunk']>>;
    } catch (error) {
      if (isCancellation(error) || error instanceof ZarrError) throw error;
      const cause = (error as Error).cause as Error | undefined;
      throw new ZarrError('CORRUPT_CHUNK', `${where} cannot be read: ${(error as Error).message}${cause?.message ? ` (${cause.message})` : ''}.`, { file: folder, hint: ZARR_HINTS.corruptChunk, cause: error });
    }
    const length = (chunk as { data: { length: number } }).data.length;
    if (length !== expected) {
      throw new ZarrError('CORRUPT_CHUNK', `${where} cannot be read: it decodes to ${length.toLocaleString('en')} values, but a chunk of [${array.chunks.join(', ')}] holds ${expected.toLocaleString('en')}: it is damaged or was written with another data type or compressor.`, { file: folder, hint: ZARR_HINTS.corruptChunk });
    }
    return chunk;
  };
  (array as { getChunk: unknown }).getChunk = patched;
  return array;
}
