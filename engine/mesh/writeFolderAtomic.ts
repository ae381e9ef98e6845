import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { syncDirectory } from '../base/atomicWrite.js';
import { writeFilesDurable } from '../base/writeFilesDurable.js';
import { MeshExportError } from './MeshExportError.js';

export interface WriteFolderOptions {
  /**
   * 'merge' (default): put the files into `folder`, creating it if needed and replacing files of
   * the same name. 'whole': the files are the folder's whole content (a precomputed dataset);
   * `folder` must not exist or be empty.
   */
  mode?: 'merge' | 'whole';
}

/**
 * Writes files (relative '/'-separated paths to bytes) under `folder` so that a failure leaves
 * no half export: everything goes to a hidden temporary folder beside it first, fsynced
 * (base/writeFilesDurable), which then becomes `folder` by one rename (or, when merging into an
 * existing folder, its files are moved in by one rename each), and the renamed-into folder is
 * fsynced. Returns the paths written.
 */
export async function writeFolderAtomic(folder: string, files: ReadonlyMap<string, Uint8Array>, options: WriteFolderOptions = {}): Promise<string[]> {
  const target = path.resolve(folder);
  for (const relative of files.keys()) safeRelative(relative);
  const existing = await checkOutputFolder(target, options.mode ?? 'merge');
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}-${Date.now()}`);
  try {
    await mkdir(temp);
    // In place and fsynced: nothing reads the temporary folder before it is renamed in.
    await writeFilesDurable(new Map([...files].map(([relative, data]) => [path.join(temp, safeRelative(relative)), data])));
    if (!existing) {
      await rename(temp, target);
    } else if (options.mode === 'whole') {
      await rmdir(target); // empty, checked above; rename cannot replace a folder on every platform
      await rename(temp, target);
    } else {
      for (const entry of await readdir(temp)) await rename(path.join(temp, entry), path.join(target, entry));
      await rmdir(temp);
    }
    await syncDirectory(existing && options.mode !== 'whole' ? target : path.dirname(target));
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (error instanceof MeshExportError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new MeshExportError('WRITE_FAILED', `The meshes could not be written to ${target}: ${reason}.`, { file: target, hint: 'Check that the disk has space and that you may write there, then export again.', cause: error });
  }
  return [...files.keys()].map((relative) => path.join(target, safeRelative(relative)));
}

/**
 * Checks before any work is done that `folder` can take an export: its parent exists, it is not
 * a file, and for 'whole' it is new or empty. Returns whether it exists.
 */
export async function checkOutputFolder(folder: string, mode: 'merge' | 'whole'): Promise<boolean> {
  const target = path.resolve(folder);
  const parent = await stat(path.dirname(target)).catch(() => undefined);
  if (!parent?.isDirectory()) {
    throw new MeshExportError('NO_FOLDER', `The folder ${path.dirname(target)} does not exist, so ${target} cannot be made in it.`, { file: target, hint: 'Create the parent folder first, or choose another output folder.' });
  }
  const stats = await stat(target).catch(() => undefined);
  if (!stats) return false;
  if (!stats.isDirectory()) throw new MeshExportError('NOT_A_FOLDER', `${target} is a file, not a folder.`, { file: target, hint: 'Give a folder to export into (it is created when it does not exist).' });
  if (mode === 'whole' && (await readdir(target)).length > 0) {
    throw new MeshExportError('FOLDER_NOT_EMPTY', `${target} already holds files; a precomputed dataset needs a folder of its own.`, { file: target, hint: 'Choose a new or empty folder, or delete this one first.' });
  }
  return true;
}

/** A relative path that stays inside the folder, in the platform's form. */
function safeRelative(relative: string): string {
  const parts = relative.split('/');
  if (relative.startsWith('/') || parts.some((part) => part === '' || part === '.' || part === '..')) throw new RangeError(`Export file names must be relative paths inside the folder, not "${relative}".`);
  return path.join(...parts);
}
