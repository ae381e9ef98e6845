import { readFile } from 'node:fs/promises';

/** A file's bytes, or null when there is no such file (other read errors are thrown). */
export async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
