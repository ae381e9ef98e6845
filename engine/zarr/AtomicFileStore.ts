import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SafeFileStore } from './SafeFileStore.js';

type AbsolutePath = `/${string}`;

let counter = 0;

/**
 * A zarrita file store whose chunk writes are atomic: each is written to a temp file beside the
 * chunk and renamed over it, so a process killed mid-write leaves the old chunk (or none), never
 * a torn one that every later read, and every read-modify-write of an edge chunk, would fail
 * on; and a reader never sees half a chunk that another job is writing. Not fsynced (see
 * DurableFileStore for that): after a power cut a chunk may be old, not torn. Reads are
 * SafeFileStore's: regular files only, within the memory budget.
 */
export class AtomicFileStore extends SafeFileStore {
  override async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    const file = path.join(this.root, key.replace(/^\/+/, ''));
    const temp = `${file}.${process.pid}-${++counter}.writing`;
    await mkdir(path.dirname(file), { recursive: true });
    try {
      await writeFile(temp, value);
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
