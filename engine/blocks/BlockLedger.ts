import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../base/atomicWrite.js';

/** Folder inside the output store that holds one marker file per finished block. */
export const LEDGER_FOLDER = '.membrana-blocks';

/**
 * Which blocks of an output store are finished: `<store>/.membrana-blocks/<k>.done`, written
 * durably after the block's chunks are durable. A marker is never written early, so a rerun
 * that skips marked blocks recomputes exactly the blocks whose data may be missing. Markers are
 * separate files, so jobs on different shares never contend for one file.
 */
export class BlockLedger {
  readonly folder: string;

  constructor(store: string) {
    this.folder = path.join(store, LEDGER_FOLDER);
  }

  /** The blocks marked done. */
  async done(): Promise<Set<number>> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
      throw error;
    }
    const done = new Set<number>();
    for (const name of names) {
      const match = /^(\d+)\.done$/.exec(name);
      if (match) done.add(Number(match[1]));
    }
    return done;
  }

  async isDone(block: number): Promise<boolean> {
    try {
      await readFile(this.marker(block));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** Records `block` as done; call only once its chunks are durable. */
  async markDone(block: number, record: Record<string, unknown> = {}): Promise<void> {
    await writeFileAtomic(this.marker(block), `${JSON.stringify({ block, finished: new Date().toISOString(), ...record })}\n`, { createFolder: true });
  }

  marker(block: number): string {
    return path.join(this.folder, `${block}.done`);
  }
}
