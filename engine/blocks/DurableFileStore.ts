import path from 'node:path';
import { SafeFileStore } from '../zarr/SafeFileStore.js';
import { writeDurable } from './writeDurable.js';

type AbsolutePath = `/${string}`;

/**
 * A zarrita file store whose writes are atomic and durable (see writeDurable): a chunk is
 * either its old bytes or its new ones, never half written, and once `set` resolves it is on
 * disk. Block prediction records a block as done only after that, so a killed job never leaves
 * a block marked done without its data. Reads are SafeFileStore's (regular files only, within
 * the memory budget).
 */
export class DurableFileStore extends SafeFileStore {
  override async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    await writeDurable(path.join(this.root, key.replace(/^\/+/, '')), value);
  }
}
