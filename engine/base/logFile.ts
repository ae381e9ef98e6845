import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { addLogSink, rememberLogLine, type LogEvent, type LogSink } from './log.js';

/** Where the log is kept inside Membrana's own folder (MEMBRANA_HOME, see configDir.ts). */
export function logFileIn(configDir: string): string {
  return path.join(configDir, 'logs', 'membrana.log');
}

export interface RotationOptions {
  /** The file is rotated before a line would take it past this size. Default 1 MiB. */
  maxBytes?: number;
  /** How many files are kept, the current one included (membrana.log, membrana.1.log, …). Default 3. */
  keep?: number;
  /** After a write fails, writes are skipped this long before trying again. Default 10 s. */
  retryAfterMs?: number;
}

/**
 * A log file that never grows past `maxBytes`: before a line would, membrana.log becomes
 * membrana.1.log (that one membrana.2.log, and so on; the oldest goes). Each line is appended on
 * its own (open, append, close), so the engine and the process that started it may share the
 * file: an append is one write, and a rotation only renames. A write that fails (disk full, a
 * read-only or vanished folder) never throws: it is said once on stderr and in the recent lines,
 * and writes resume when the disk takes them again.
 */
export class RotatingLogFile implements LogSink {
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly retryAfterMs: number;
  private failedUntil = 0;
  private failing = false;

  constructor(
    readonly file: string,
    options: RotationOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.keep = Math.max(1, options.keep ?? 3);
    this.retryAfterMs = options.retryAfterMs ?? 10_000;
  }

  /** The file of rotation `k` (0: the current one). */
  rotated(k: number): string {
    if (k === 0) return this.file;
    const { dir, name, ext } = path.parse(this.file);
    return path.join(dir, `${name}.${k}${ext}`);
  }

  write(_event: LogEvent, line: string): void {
    const now = Date.now();
    if (now < this.failedUntil) return;
    const text = `${line}\n`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      if (sizeOf(this.file) + Buffer.byteLength(text) > this.maxBytes) this.rotate();
      appendFileSync(this.file, text);
      if (this.failing) {
        this.failing = false;
        appendFileSync(this.file, `${new Date().toISOString()} WARN  log: writing ${this.file} works again; lines from the time it failed are missing\n`);
      }
    } catch (error) {
      this.failedUntil = now + this.retryAfterMs;
      if (this.failing) return;
      this.failing = true;
      const reason = error as NodeJS.ErrnoException;
      const said = `${new Date().toISOString()} ERROR log: cannot write the log file ${JSON.stringify(this.file)} (${reason.code ?? 'ERROR'}: ${reason.message}); lines go to memory only until it can be written (is the disk full or the folder read-only?)`;
      rememberLogLine(said);
      try {
        process.stderr.write(`${said}\n`);
      } catch {
        // No file and no stderr: the recent lines in memory are all that is left.
      }
    }
  }

  /**
   * The last `count` lines of this log and the files rotated before it, oldest first; [] when
   * there is no log yet. Only the last `maxBytes` of each file are read, so a big log costs no
   * more than a small one.
   */
  tail(count: number, maxBytes = 256 * 1024): string[] {
    const lines: string[] = [];
    for (let k = 0; k < this.keep && lines.length < count; k++) {
      const text = readEnd(this.rotated(k), maxBytes);
      if (text === null) break;
      const fileLines = text.split('\n').filter((line) => line.length > 0);
      lines.unshift(...fileLines.slice(Math.max(0, fileLines.length - (count - lines.length))));
    }
    return lines;
  }

  /** Shifts every kept file down one place; the oldest is overwritten by the rename. */
  private rotate(): void {
    for (let k = this.keep - 1; k >= 1; k--) {
      try {
        renameSync(this.rotated(k - 1), this.rotated(k));
      } catch (error) {
        // A gap in the rotation (no membrana.1.log yet) is expected; anything else is a real failure.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    // keep = 1: no older file is kept, the current one starts again.
    if (this.keep === 1) appendFileSync(this.file, '', { flag: 'w' });
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    // No file yet: the first line creates it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** The last `maxBytes` of a file as text, starting at a whole line; null when the file does not exist. */
function readEnd(file: string, maxBytes: number): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    const text = buffer.subarray(0, read).toString('utf8');
    // Reading from the middle of the file: drop the partial first line.
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    closeSync(fd);
  }
}

let current: RotatingLogFile | null = null;

/**
 * Sends this thread's log to `file` (rotated, see RotatingLogFile) from now on; the function it
 * returns stops that. A host calls it once at start: the engine, serve mode, Electron's main.
 */
export function logToFile(file: string, options: RotationOptions = {}): () => void {
  const sink = new RotatingLogFile(file, options);
  const remove = addLogSink(sink);
  current = sink;
  return () => {
    remove();
    if (current === sink) current = null;
  };
}

/** The file this thread logs to, or null when it logs to none. */
export function currentLogFile(): RotatingLogFile | null {
  return current;
}
