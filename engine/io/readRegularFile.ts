import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

/** Builds the caller's error type (VolumeReadError, ZarrError, ModelError) from a message and a hint. */
export type FileErrorFactory = (kind: 'NOT_A_FILE' | 'TOO_LARGE', message: string, hint: string) => Error;

const ONE_READ = 1 << 30;

/** What a path is when it is not a regular file: 'a named pipe', 'a character device', ... */
export function describeNonRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function notRegular(file: string, what: string, makeError: FileErrorFactory): Error {
  return makeError(
    'NOT_A_FILE',
    `${file} is ${what}, not a regular file; Membrana reads data only from regular files.`,
    'Give the path of the file itself (a device, pipe or socket never ends, and may never answer); copy the data into a file first if it comes from one.',
  );
}

/**
 * Opens a regular file for reading; anything else (a device such as /dev/zero, a named pipe, a
 * socket, a folder, also behind a symbolic link) is refused before a byte is read. The pipe is
 * opened non-blocking, so a pipe nobody writes to cannot hang the check. File-system errors
 * (ENOENT, EACCES, ...) are thrown as they are, for the caller's own messages.
 */
export async function openRegularFile(file: string, makeError: FileErrorFactory): Promise<{ handle: FileHandle; size: number }> {
  const before = await stat(file);
  const what = describeNonRegular(before);
  if (what) throw notRegular(file, what, makeError);
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    // Swapped for something else between the two checks.
    const now = describeNonRegular(stats);
    if (now) throw notRegular(file, now, makeError);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Reads a whole regular file (see openRegularFile), refusing one larger than `maxBytes` before
 * allocating; reads in pieces, so files over 2 GiB (Node's limit for one read) work too.
 */
export async function readRegularFile(file: string, maxBytes: number, makeError: FileErrorFactory, what = 'it'): Promise<Buffer> {
  const { handle, size } = await openRegularFile(file, makeError);
  try {
    if (size > maxBytes) {
      throw makeError('TOO_LARGE', `${file} is ${size.toLocaleString('en')} bytes, more than the ${maxBytes.toLocaleString('en')} bytes ${what} may take.`, 'Check that this is the right file; crop or split it if it really is this large.');
    }
    const buffer = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(buffer, at, Math.min(ONE_READ, size - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    // A file that shrank while being read: return what is there, the format checks catch it.
    return at === size ? buffer : buffer.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** Reads `length` bytes at `position` (in pieces of at most 1 GiB); returns how many were read. */
export async function readAt(handle: FileHandle, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, offset + done, Math.min(ONE_READ, length - done), position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}
