import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';

/** A path that is not a regular file, made under `dir`; `expect` is always 'reject'. */
export interface SpecialCase {
  name: string;
  note: string;
  make(file: string): Promise<void>;
}

/** Devices (through links named like images), a named pipe, a socket, folders and broken links. */
export function specialCases(): SpecialCase[] {
  return [
    { name: 'dev-zero.tif', note: 'a link named .tif to /dev/zero', make: (file) => symlink('/dev/zero', file) },
    { name: 'dev-urandom.tif', note: 'a link named .tif to /dev/urandom', make: (file) => symlink('/dev/urandom', file) },
    { name: 'dev-null.tif', note: 'a link named .tif to /dev/null', make: (file) => symlink('/dev/null', file) },
    { name: 'fifo.tif', note: 'a named pipe nobody writes to', make: async (file) => void execFileSync('mkfifo', [file]) },
    { name: 'socket.tif', note: 'a Unix socket', make: async (file) => makeSocket(file) },
    { name: 'folder.tif', note: 'an empty folder named .tif', make: (file) => mkdir(file) },
    { name: 'loop.tif', note: 'a link to itself', make: (file) => symlink(file, file) },
    { name: 'dangling.tif', note: 'a link to a file that does not exist', make: (file) => symlink(path.join(path.dirname(file), 'nowhere.tif'), file) },
    { name: 'proc-environ.tif', note: 'a link to /proc/self/environ (a file whose size says 0)', make: (file) => symlink('/proc/self/environ', file) },
  ];
}

/** A socket file that stays after its creator exits (Node removes its own on close, Python does not). */
function makeSocket(file: string): void {
  execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', file]);
}
