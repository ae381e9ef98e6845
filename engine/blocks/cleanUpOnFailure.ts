import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';

/** Whether any block of any step under `folder` is marked done (`<k>.done` in a ledger). */
async function holdsDoneBlock(folder: string): Promise<boolean> {
  const entries = await readdir(folder, { recursive: true }).catch(() => [] as string[]);
  return entries.some((entry) => String(entry).endsWith('.done'));
}

/**
 * Runs a block-wise job and, when it fails, removes the outputs it made that hold no finished
 * work: a store or folder that did not exist before and in which no block was marked done (the
 * run failed on validation or on its first block). A store whose first block was written
 * durably stays, so a rerun resumes it, exactly as after a kill. Outputs that existed before are
 * never touched.
 */
export async function cleanUpOnFailure<T>(outputs: readonly string[], run: () => Promise<T>): Promise<T> {
  const fresh = outputs.filter((output) => !existsSync(output));
  try {
    return await run();
  } catch (error) {
    for (const output of fresh) {
      if (existsSync(output) && !(await holdsDoneBlock(output))) await rm(output, { recursive: true, force: true });
    }
    throw error;
  }
}
