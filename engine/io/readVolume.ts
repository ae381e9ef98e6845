import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Volume } from './Volume.js';
import { HINTS, VolumeReadError } from './VolumeReadError.js';
import { SliceStack } from './SliceStack.js';
import { naturalCompare } from './naturalCompare.js';
import { readImageBytes } from './readImageBytes.js';
import { MAX_ARRAY_BYTES, memoryBudget } from './memoryBudget.js';
import { openRegularFile, readAt, readRegularFile, type FileErrorFactory } from './readRegularFile.js';
import { IMAGE_EXTENSION, SNIFF_BYTES, sniffImageFormat } from './sniffImageFormat.js';

/** Files that operating systems leave in folders; never slices. */
const SYSTEM_FILE = /^(\.|Thumbs\.db$|desktop\.ini$|__MACOSX$)/i;

/**
 * Reads a volume from a path: a TIFF stack, a PNG or JPEG image (recognised by content, not
 * name), or a folder of single-image slices in natural order (slice2 before slice10). A folder
 * holding exactly one image opens that image. Throws VolumeReadError naming the path.
 */
export async function readVolume(target: string): Promise<Volume> {
  const stats = await stat(target).catch((error: unknown) => {
    throw fileSystemError(error, target);
  });
  if (stats.isDirectory()) return readImageFolder(target);
  return readImageBytes(await readBytes(target), target);
}

/**
 * Reads dropped or picked files: one image is that image or stack; several are slices, sorted
 * naturally by name. Files that are not images (.DS_Store, Thumbs.db, notes) are ignored, unless
 * their name says they should be an image.
 */
export function readVolumeFromFiles(files: readonly { name: string; data: Uint8Array }[]): Volume {
  if (files.length === 0) throw new VolumeReadError('EMPTY_FOLDER', 'No files were given to open (nothing was dropped).', { file: '(no files)', hint: HINTS.formats });
  const images = files.filter((file) => isSlice(file.name, file.data));
  if (images.length === 0) {
    if (files.length === 1) return readImageBytes(files[0]!.data, files[0]!.name);
    const names = files.map((file) => file.name);
    const list = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
    throw new VolumeReadError('NOT_AN_IMAGE', `None of the dropped files is an image: ${list}.`, { file: names[0]!, hint: HINTS.formats });
  }
  if (images.length === 1) return readImageBytes(images[0]!.data, images[0]!.name);
  const sorted = [...images].sort((a, b) => naturalCompare(a.name, b.name));
  const folder = commonFolder(sorted.map((file) => file.name));
  const name = folder ? path.posix.basename(folder) : `${sorted[0]!.name} … ${sorted[sorted.length - 1]!.name}`;
  const stack = new SliceStack(sorted.length, { name, source: folder ?? name, kind: 'files' });
  for (const file of sorted) stack.add(readImageBytes(file.data, file.name));
  return stack.finish();
}

/** A file counts as a slice when its bytes are an image, or its name says it is one (then it must be). */
function isSlice(name: string, bytes: Uint8Array): boolean {
  const base = name.split(/[\\/]/).pop() ?? name;
  if (SYSTEM_FILE.test(base)) return false;
  return sniffImageFormat(bytes) !== undefined || IMAGE_EXTENSION.test(base);
}

/**
 * The slice images of a folder, in natural order (slice2 before slice10): files (or links to
 * files) that are not system files and are images by name or by their first bytes. Throws
 * EMPTY_FOLDER, naming what the folder holds instead, when there are none.
 */
export async function listSliceImages(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
    throw fileSystemError(error, folder);
  });
  const candidates: string[] = [];
  for (const entry of entries) {
    if (SYSTEM_FILE.test(entry.name)) continue;
    if (entry.isFile()) candidates.push(entry.name);
    else if (entry.isSymbolicLink() || (IMAGE_EXTENSION.test(entry.name) && !entry.isDirectory())) {
      // Follow links (a dangling one is not a slice). A device, pipe or socket named like an
      // image (or linked to as one) is an error, not a slice less.
      const file = path.join(folder, entry.name);
      const stats = await stat(file).catch(() => undefined);
      if (stats?.isFile()) candidates.push(entry.name);
      else if (stats && !stats.isDirectory() && IMAGE_EXTENSION.test(entry.name)) await openRegularFile(file, volumeErrors(file));
    }
  }
  const images: string[] = [];
  for (const name of candidates.sort(naturalCompare)) {
    const file = path.join(folder, name);
    if (IMAGE_EXTENSION.test(name) || sniffImageFormat(await readStart(file)) !== undefined) images.push(file);
  }
  if (images.length === 0) {
    const others = candidates.length === 0 ? 'it is empty' : `it holds ${candidates.length} other file${candidates.length === 1 ? '' : 's'}`;
    throw new VolumeReadError('EMPTY_FOLDER', `${folder} contains no PNG, TIFF or JPEG images (${others}).`, { file: folder, hint: 'Choose a folder that holds the slices as PNG or TIFF images, one file per slice, or open a TIFF stack.' });
  }
  return images;
}

async function readImageFolder(folder: string): Promise<Volume> {
  const images = await listSliceImages(folder);
  if (images.length === 1) return readImageBytes(await readBytes(images[0]!), images[0]!);
  const stack = new SliceStack(images.length, { name: path.basename(path.resolve(folder)), source: folder, kind: 'folder' });
  // Read the next file while decoding this one.
  let next = readBytes(images[0]!);
  for (let i = 0; i < images.length; i++) {
    const bytes = await next;
    if (i + 1 < images.length) {
      next = readBytes(images[i + 1]!);
      next.catch(() => {}); // handled when awaited; avoids an unhandled rejection if we throw first
    }
    stack.add(readImageBytes(bytes, images[i]!));
  }
  return stack.finish();
}

/** A whole image file: a regular file only, no larger than the memory budget. */
export async function readBytes(file: string): Promise<Uint8Array> {
  try {
    const buffer = await readRegularFile(file, Math.min(memoryBudget(), MAX_ARRAY_BYTES), volumeErrors(file), 'an image file');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw fileSystemError(error, file);
  }
}

/** The first bytes of a regular file, enough to recognise its format. */
export async function readStart(file: string): Promise<Uint8Array> {
  const { handle } = await openRegularFile(file, volumeErrors(file)).catch((error: unknown) => {
    throw fileSystemError(error, file);
  });
  try {
    const buffer = new Uint8Array(SNIFF_BYTES);
    return buffer.subarray(0, await readAt(handle, buffer, 0, SNIFF_BYTES, 0));
  } finally {
    await handle.close();
  }
}

/** NOT_A_FILE and TOO_LARGE as VolumeReadErrors about `file`. */
export function volumeErrors(file: string): FileErrorFactory {
  return (kind, message, hint) => new VolumeReadError(kind === 'NOT_A_FILE' ? 'NOT_A_FILE' : 'TOO_LARGE', message, { file, hint });
}

export function fileSystemError(error: unknown, file: string): VolumeReadError {
  if (error instanceof VolumeReadError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new VolumeReadError('ENOENT', `${file} does not exist.`, { file, hint: 'Check the path for typing errors, or choose the file with File › Open.', cause: error });
  }
  if (code === 'ELOOP') {
    return new VolumeReadError('NOT_A_FILE', `${file} is a symbolic link that leads back to itself.`, { file, hint: 'Point the link at the image file, or give the file itself.', cause: error });
  }
  if (code === 'ENXIO') {
    return new VolumeReadError('NOT_A_FILE', `${file} is not a regular file (a socket or a device without a driver).`, { file, hint: 'Give the path of the image file itself.', cause: error });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new VolumeReadError('EACCES', `${file} cannot be read: permission denied.`, { file, hint: 'Give your user read permission on it, or copy it somewhere you can read.', cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new VolumeReadError('READ_FAILED', `${file} could not be read: ${reason}.`, { file, hint: 'Check that the disk or network share is available, then try again.', cause: error });
}

/** The folder all names share ('stack' for 'stack/s1.png', 'stack/s2.png'), or undefined. */
function commonFolder(names: string[]): string | undefined {
  const folders = names.map((name) => name.replace(/\\/g, '/').split('/').slice(0, -1));
  const first = folders[0]!;
  let length = first.length;
  for (const folder of folders) {
    let same = 0;
    while (same < Math.min(length, folder.length) && folder[same] === first[same]) same++;
    length = same;
  }
  return length > 0 ? first.slice(0, length).join('/') : undefined;
}
