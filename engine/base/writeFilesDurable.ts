import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { replaceViaTemp, syncDirectory, writeFileSynced } from './atomicWrite.js';

export interface WriteFilesDurableOptions {
  /**
   * Write each file under a temporary name and rename it into place, so a reader never sees
   * half a file (for files read while jobs run); a failed write leaves no temp file. Without it files are written in place: right
   * for a block's own output, which nothing reads before the block is marked done.
   */
  atomic?: boolean;
  /** Files in flight at once (default 16): fsyncs overlap on the disk. 1 writes (and renames) them in the map's order. */
  concurrency?: number;
}

/**
 * Writes many files so that once this resolves all of them are on disk (each file fsynced, then
 * each folder they are in, so the names are too). One fsync per file, overlapped, instead of
 * writeFileAtomic's temp + rename + folder fsync per file: a block writes hundreds of fragments.
 */
export async function writeFilesDurable(files: ReadonlyMap<string, Uint8Array | string>, options: WriteFilesDurableOptions = {}): Promise<void> {
  const folders = new Set([...files.keys()].map((file) => path.dirname(file)));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  const entries = [...files];
  let next = 0;
  // After a failure no new file is started, and the error is thrown once every write in flight has
  // ended: a caller that then removes the folder races no writer.
  let failure: { error: unknown } | undefined;
  const writer = async (): Promise<void> => {
    while (!failure && next < entries.length) {
      const [file, data] = entries[next++]!;
      try {
        await (options.atomic ? replaceViaTemp(file, data, writeFileSynced) : writeFileSynced(file, data));
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, entries.length) }, writer));
  if (failure) throw failure.error;
  for (const folder of folders) await syncDirectory(folder);
}
