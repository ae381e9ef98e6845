import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes via a temp file in the same folder and a rename, so no partial output is ever left. */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.partial-${process.pid}`);
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
