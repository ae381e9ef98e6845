import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

let counter = 0;

/**
 * Writes a file so that readers (and a crash at any moment) see either the old content or the
 * new, never a mix: the data goes to a temp file in the same folder, is fsynced, and is renamed
 * over the target; then the folder is fsynced so the rename itself survives a power cut.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  // Unique per call, so two writers in one process never share a temp file.
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${++counter}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/** writeFileAtomic of pretty JSON with a final newline (people read and diff these files). */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Fsyncs a folder so that files created or renamed in it stay after a power cut. Windows cannot
 * open folders for this (and its renames are journaled by NTFS), so failures there are ignored.
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
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
