import path from 'node:path';
import { writeFileAtomic } from '../base/atomicWrite.js';
import { SafeFileStore } from './SafeFileStore.js';

type AbsolutePath = `/${string}`;

/**
 * A zarrita file store whose chunk writes are atomic (base/atomicWrite): a process killed
 * mid-write leaves the old chunk (or none), never a torn one that every later read, and every
 * read-modify-write of an edge chunk, would fail on; and a reader never sees half a chunk that
 * another job is writing. `durable`: once `set` resolves the chunk is on disk too (fsynced), so
 * block prediction can record a block as done only after its data is, and a killed job never
 * leaves a block marked done without it; without it a power cut may leave a chunk old, not torn.
 * Reads are SafeFileStore's: regular files only, within the memory budget.
 */
export class AtomicFileStore extends SafeFileStore {
  private readonly durable: boolean;

  constructor(root: string, options: { durable?: boolean } = {}) {
    super(root);
    this.durable = options.durable ?? false;
  }

  override async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    await writeFileAtomic(path.join(this.root, key.replace(/^\/+/, '')), value, { durable: this.durable, createFolder: true });
  }
}
