import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../project/atomicWrite.js';

/**
 * Writes `file` so that after this resolves it survives a kill or power loss whole, and before
 * it resolves the old content (or nothing) is there: the project store's atomic write (temp
 * file, fsync, rename, fsync of the folder), into a folder made if missing.
 */
export async function writeDurable(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, data);
}
