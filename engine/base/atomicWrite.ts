import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

let counter = 0;

export interface AtomicWriteOptions {
  /**
   * Fsync the file before the rename and its folder after it, so that once the write resolves
   * the new content survives a power cut (default). Without it a power cut may leave the old
   * content, never a mix: enough for chunks that can be written again.
   */
  durable?: boolean;
  /** Make the file's folder (and its parents) first. */
  createFolder?: boolean;
}

/**
 * A temp file's name beside `file`: hidden, and unique per call, so two writers in one process
 * never share one.
 */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${++counter}.tmp`);
}

/**
 * Writes a file so that readers (and a crash at any moment) see either the old content or the
 * new, never a mix: the data goes to a temp file in the same folder and is renamed over the
 * target; durable (the default), the temp file is fsynced first and the folder after, so the
 * rename itself survives a power cut. A failed write leaves the old file and no temp file.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const durable = options.durable ?? true;
  if (options.createFolder) await mkdir(path.dirname(file), { recursive: true });
  await replaceViaTemp(file, data, durable ? writeFileSynced : writeFile);
  if (durable) await syncDirectory(path.dirname(file));
}

/**
 * Writes `data` with `write` to a temp file beside `file` and renames it over `file`; a failure
 * removes the temp file and leaves the old `file`. The folder is not synced.
 */
export async function replaceViaTemp(file: string, data: Uint8Array | string, write: (file: string, data: Uint8Array | string) => Promise<void>): Promise<void> {
  const temp = tempPathFor(file);
  try {
    await write(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined); // best effort: the write's own error is what matters
    throw error;
  }
}

/** Writes `file` in place and fsyncs it: once this resolves its bytes are on disk (its name is not, until its folder is synced). */
export async function writeFileSynced(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** writeFileAtomic of pretty JSON with a final newline (people read and diff these files). */
export async function writeJsonAtomic(file: string, value: unknown, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, options);
}

/**
 * Fsyncs a folder so that files created or renamed in it stay after a power cut. Windows cannot
 * open folders for this (and its renames are journaled by NTFS), so failures there are ignored.
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  // A folder that cannot be opened for reading cannot be fsynced either; the rename itself stands.
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems (network shares) refuse to fsync folders; nothing more can be done.
  } finally {
    await handle.close();
  }
}
