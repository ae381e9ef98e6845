import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../base/atomicWrite.js';
import { JOURNAL_MAGIC, JournalDamage, encodeRecord, parseJournal, type JournalRecord } from './journalFormat.js';
import { ProjectError } from './ProjectError.js';

export type { EditRecord, JournalRecord, RedoRecord, SegmentEditRecord, SegmentNoteRecord, UndoRecord, ValidationRecord } from './journalFormat.js';

/** What Journal.open found and did. */
export interface OpenedJournal {
  journal: Journal;
  /** Every complete record, in the order written. */
  records: JournalRecord[];
  /** Set when the file ended in a half-written record (a crash mid-append), which was cut off. */
  repaired: { droppedBytes: number } | null;
}

const DAMAGE_HINT = 'Restore journal.bin from a backup, or move it out of the project folder to open the project without its corrections.';

/**
 * The append-only, crash-safe edit log (journal.bin; format in journalFormat.ts and README.md).
 * append() resolves only once the record is fsynced, so whatever the caller shows after that
 * survives a crash or power cut; a record cut short by a crash is dropped on the next open.
 */
export class Journal {
  /** Appends run one after another through this chain, so their bytes never interleave. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /** Set when a failed append could not be taken back out of the file: later appends would corrupt it. */
  private broken: unknown = null;

  private constructor(
    /** The journal file's absolute path. */
    readonly file: string,
    private readonly handle: FileHandle,
    /** Bytes in the file: where the next record goes. */
    private size: number,
  ) {}

  /** Opens (creating if missing) a journal, reads its records and cuts off a torn last record. */
  static async open(file: string): Promise<OpenedJournal> {
    const target = path.resolve(file);
    let bytes = await readExisting(target);
    let droppedBytes: number | null = null;
    if (bytes === null || isMagicPrefix(bytes)) {
      // A new journal, or (only if something outside Membrana cut it) a header cut short.
      if (bytes !== null) droppedBytes = bytes.byteLength;
      await mkdir(path.dirname(target), { recursive: true });
      await writeFileAtomic(target, JOURNAL_MAGIC);
      bytes = JOURNAL_MAGIC;
    }
    if (!startsWithMagic(bytes)) {
      throw new ProjectError('CORRUPT_JOURNAL', `${target} is not a Membrana edit journal (it does not start with MBJOURN1); it was left unchanged.`, {
        file: target,
        hint: DAMAGE_HINT,
      });
    }
    let parsed;
    try {
      parsed = parseJournal(bytes);
    } catch (error) {
      if (!(error instanceof JournalDamage)) throw error;
      throw new ProjectError('CORRUPT_JOURNAL', `The edit journal ${target} is damaged: ${error.message}. It was left unchanged.`, { file: target, hint: DAMAGE_HINT, cause: error });
    }
    const handle = await open(target, 'r+');
    try {
      if (parsed.tail === 'torn') {
        await handle.truncate(parsed.goodLength);
        await handle.sync();
        droppedBytes = (droppedBytes ?? 0) + bytes.byteLength - parsed.goodLength;
      }
    } catch (error) {
      await handle.close();
      throw new ProjectError('JOURNAL_WRITE_FAILED', `Could not cut the half-written last record off ${target}: ${reason(error)}.`, {
        file: target,
        hint: 'Check that the project folder is writable and the disk has space, then open the project again.',
        cause: error,
      });
    }
    const journal = new Journal(target, handle, parsed.goodLength);
    return { journal, records: parsed.records, repaired: droppedBytes === null ? null : { droppedBytes } };
  }

  /** Bytes in the file, header included. */
  get byteLength(): number {
    return this.size;
  }

  /**
   * Appends a record with one write at the end of the file and fsyncs it before resolving.
   * The record is encoded now, so changing its arrays afterwards does not change what is written.
   * On failure nothing of the record stays in the file and the error says so.
   */
  append(record: JournalRecord): Promise<void> {
    if (this.closed) {
      return Promise.reject(new ProjectError('JOURNAL_CLOSED', `The edit journal ${this.file} is closed; the edit was not saved.`, { file: this.file, hint: 'Open the project again.' }));
    }
    const bytes = encodeRecord(record);
    const written = this.queue.then(() => this.write(bytes));
    this.queue = written.catch(() => undefined);
    return written;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.handle.close();
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (this.broken !== null) {
      throw new ProjectError('JOURNAL_WRITE_FAILED', `The edit journal ${this.file} could not be repaired after an earlier failed write; the edit was not saved.`, {
        file: this.file,
        hint: 'Close and reopen the project (opening repairs the journal), after checking the disk.',
        cause: this.broken,
      });
    }
    const at = this.size;
    try {
      let done = 0;
      // One write; the loop only matters if the OS writes part of it (a full disk, a signal).
      while (done < bytes.byteLength) {
        const { bytesWritten } = await this.handle.write(bytes, done, bytes.byteLength - done, at + done);
        done += bytesWritten;
      }
      await this.handle.sync();
    } catch (error) {
      // Take the partial record back out, so the file holds exactly the edits that were applied.
      try {
        await this.handle.truncate(at);
        await this.handle.sync();
      } catch (repairError) {
        this.broken = repairError;
      }
      throw new ProjectError('JOURNAL_WRITE_FAILED', `Could not save the edit to ${this.file}: ${reason(error)}. The edit was not applied.`, {
        file: this.file,
        hint: 'Free some disk space or check that the project folder is writable, then try again.',
        cause: error,
      });
    }
    this.size = at + bytes.byteLength;
  }
}

async function readExisting(file: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ProjectError('READ_FAILED', `The edit journal ${file} could not be read: ${reason(error)}.`, {
      file,
      hint: 'Check that the project folder is readable and the disk is available, then open the project again.',
      cause: error,
    });
  }
}

function startsWithMagic(bytes: Uint8Array): boolean {
  return bytes.byteLength >= JOURNAL_MAGIC.byteLength && JOURNAL_MAGIC.every((byte, i) => bytes[i] === byte);
}

function isMagicPrefix(bytes: Uint8Array): boolean {
  return bytes.byteLength < JOURNAL_MAGIC.byteLength && bytes.every((byte, i) => JOURNAL_MAGIC[i] === byte);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
