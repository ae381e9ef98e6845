import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Makes `folder` by building it in a temp folder beside it and renaming it into place, so it
 * never exists half-made. Several jobs may start at once: each builds its own; the first rename
 * wins, and the others, finding the folder there, leave it as it is.
 */
export async function createFolderOnce(folder: string, build: (temp: string) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(folder), { recursive: true });
  const temp = `${folder}.creating-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(temp, { recursive: true });
    await build(temp);
    await rename(temp, folder);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    // Another job created it first (a non-empty folder cannot be renamed over): use theirs.
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(folder)) return;
    throw error;
  }
}
