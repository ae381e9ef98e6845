import FileSystemStore from '@zarrita/storage/fs';
import path from 'node:path';
import { memoryBudget, MAX_ARRAY_BYTES } from '../io/memoryBudget.js';
import { readRegularFile } from '../io/readRegularFile.js';
import { ZarrError } from './ZarrError.js';

type AbsolutePath = `/${string}`;

/** A metadata document larger than this is not metadata. */
export const MAX_METADATA_BYTES = 16 * 2 ** 20;

/**
 * zarrita's file store with reads that cannot run away: a key must be a regular file (a chunk
 * linked to /dev/zero, a named pipe or a folder is an error naming it, not an endless read or a
 * hang), no larger than the memory budget. A missing file is a missing chunk, as before.
 */
export class SafeFileStore extends FileSystemStore {
  override async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    const file = path.join(this.root, key.replace(/^\/+/, ''));
    const limit = /(^|\/)(\.zarray|\.zattrs|\.zgroup|zarr\.json)$/.test(key) ? MAX_METADATA_BYTES : Math.min(memoryBudget(), MAX_ARRAY_BYTES);
    try {
      return await readRegularFile(file, limit, (kind, message, hint) => new ZarrError(kind === 'NOT_A_FILE' ? 'NOT_A_FILE' : 'CORRUPT_CHUNK', message, { file, hint }), 'a Zarr file');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'ELOOP') throw new ZarrError('NOT_A_FILE', `${file} is a symbolic link that leads back to itself.`, { file, hint: 'Point the link at the chunk file, or copy the dataset again.' });
      throw error;
    }
  }
}
