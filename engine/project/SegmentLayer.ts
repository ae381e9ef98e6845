import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { syncDirectory, writeFileAtomic, writeJsonAtomic } from '../base/atomicWrite.js';
import { Journal, type JournalRecord, type SegmentEditRecord } from './Journal.js';
import { JOURNAL_MAGIC } from './journalFormat.js';
import { ProjectError } from './ProjectError.js';

/** Where a segmentation lives in the project folder. */
export const SEGMENTS_DIR = 'segments';
const BASE_IDS = 'base.u32';
const BASE_JSON = 'base.json';
const SEGMENT_JOURNAL = 'journal.bin';

/** What made the base segmentation. */
export interface SegmentationRun {
  created: string;
  model: string;
  count: number;
  seconds: number;
  settings: Record<string, number>;
}

/** Voxels whose id changed, for the UI to apply to its copy of the slices it holds. */
export interface SegmentChange {
  /** Voxel indices into the volume (z-major, then row-major). */
  indices: Uint32Array;
  ids: Uint32Array;
  /** The ids those voxels had before. */
  previous: Uint32Array;
}

export interface SegmentNote {
  note: string;
  tags: string[];
}

/**
 * The neuron ids of a project (0 = boundary) with their proofreading: a base segmentation
 * (segments/base.u32, written once per run) plus segments/journal.bin, the merges, splits,
 * relabels and deletes since, each journaled (fsynced) before it is applied, undoable without
 * limit, replayed on open. A new segmentation run replaces the base and starts a new journal.
 */
export class SegmentLayer {
  private readonly undoStack: SegmentEditRecord[] = [];
  private readonly redoStack: SegmentEditRecord[] = [];
  private readonly notes = new Map<number, SegmentNote>();
  private nextEditId = 1;
  private maxId: number;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    readonly ids: Uint32Array,
    readonly run: SegmentationRun,
    private journal: Journal,
  ) {
    let max = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
    this.maxId = max;
  }

  /** Opens the project's segmentation, or null when it has none yet. */
  static open(projectDir: string, voxels: number): Promise<SegmentLayer | null> {
    return SegmentLayer.openFolder(path.join(projectDir, SEGMENTS_DIR), voxels);
  }

  /** Opens the segmentation kept in a folder (segments/, or one of its archive/ folders); null when it holds none. */
  static async openFolder(dir: string, voxels: number): Promise<SegmentLayer | null> {
    let bytes: Buffer;
    let run: SegmentationRun;
    try {
      run = JSON.parse(await readFile(path.join(dir, BASE_JSON), 'utf8')) as SegmentationRun;
      bytes = await readFile(path.join(dir, BASE_IDS));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ProjectError('READ_FAILED', `Could not read the segmentation in ${dir}: ${(error as Error).message}`, { file: dir, hint: 'Run the segmentation again.' });
    }
    if (bytes.byteLength !== voxels * 4) {
      throw new ProjectError('CORRUPT_PREDICTION', `${path.join(dir, BASE_IDS)} holds ${bytes.byteLength} bytes; the stack needs ${voxels * 4}.`, {
        file: path.join(dir, BASE_IDS),
        hint: 'Run the segmentation again (Segment in the Neurons panel).',
      });
    }
    const ids = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const { journal, records } = await Journal.open(path.join(dir, SEGMENT_JOURNAL));
    const layer = new SegmentLayer(dir, ids, run, journal);
    try {
      records.forEach((record, k) => layer.replay(record, k + 1));
    } catch (error) {
      await journal.close();
      throw error;
    }
    return layer;
  }

  /**
   * Stores a new base segmentation and opens it. The one it replaces is not lost when it was
   * proofread: its base, its run and its journal of edits move to segments/archive/<when it was
   * replaced>/ (a folder SegmentLayer.openFolder reads). One without edits can be made again,
   * so it is dropped rather than kept. The new base is written in full before anything is moved:
   * if that fails (a full disk), the old segmentation is still in place and still open.
   */
  static async create(projectDir: string, ids: Uint32Array, run: SegmentationRun, previous: SegmentLayer | null): Promise<SegmentLayer> {
    const dir = path.join(projectDir, SEGMENTS_DIR);
    await mkdir(dir, { recursive: true });
    const staged = { ids: path.join(dir, `${BASE_IDS}.new`), run: path.join(dir, `${BASE_JSON}.new`) };
    try {
      await writeFileAtomic(staged.ids, new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
      await writeJsonAtomic(staged.run, run);
    } catch (error) {
      await Promise.all([rm(staged.ids, { force: true }), rm(staged.run, { force: true })]);
      throw new ProjectError('JOURNAL_WRITE_FAILED', `The new segmentation could not be written to ${dir}: ${(error as Error).message}. The previous one is unchanged.`, {
        file: dir,
        hint: 'Free some disk space (the neuron ids take 4 bytes a voxel), then run it again.',
        cause: error,
      });
    }
    await previous?.close();
    await archiveBase(dir);
    await rename(staged.ids, path.join(dir, BASE_IDS));
    await rename(staged.run, path.join(dir, BASE_JSON));
    await syncDirectory(dir);
    const { journal } = await Journal.open(path.join(dir, SEGMENT_JOURNAL));
    return new SegmentLayer(dir, ids, run, journal);
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** A fresh id no segment uses. */
  newId(): number {
    return ++this.maxId;
  }

  note(segment: number): SegmentNote | undefined {
    return this.notes.get(segment);
  }

  /** Sets voxels to new ids as one undoable operation; null when nothing changes. */
  edit(op: string, indices: Uint32Array, after: Uint32Array): Promise<SegmentChange | null> {
    return this.serialized(async () => {
      const keep: number[] = [];
      for (let k = 0; k < indices.length; k++) {
        if (indices[k]! >= this.ids.length) throw new ProjectError('INVALID_EDIT', `Voxel ${indices[k]} is outside the volume.`);
        if (this.ids[indices[k]!] !== after[k]) keep.push(k);
      }
      if (keep.length === 0) return null;
      const changed = Uint32Array.from(keep, (k) => indices[k]!);
      const record: SegmentEditRecord = {
        kind: 'segmentEdit',
        id: this.nextEditId,
        op,
        indices: changed,
        before: Uint32Array.from(changed, (i) => this.ids[i]!),
        after: Uint32Array.from(keep, (k) => after[k]!),
        time: new Date().toISOString(),
      };
      await this.journal.append(record);
      this.applyEdit(record);
      return copyChange(record.indices, record.after, record.before);
    });
  }

  undo(): Promise<SegmentChange | null> {
    return this.serialized(async () => {
      const edit = this.undoStack.at(-1);
      if (!edit) return null;
      await this.journal.append({ kind: 'undo', id: edit.id, time: new Date().toISOString() });
      this.applyUndo(edit);
      return copyChange(edit.indices, edit.before, edit.after);
    });
  }

  redo(): Promise<SegmentChange | null> {
    return this.serialized(async () => {
      const edit = this.redoStack.at(-1);
      if (!edit) return null;
      await this.journal.append({ kind: 'redo', id: edit.id, time: new Date().toISOString() });
      this.applyRedo(edit);
      return copyChange(edit.indices, edit.after, edit.before);
    });
  }

  setNote(segment: number, note: string, tags: string[]): Promise<void> {
    return this.serialized(async () => {
      const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
      await this.journal.append({ kind: 'segmentNote', segment, note, tags: clean, time: new Date().toISOString() });
      this.notes.set(segment, { note, tags: clean });
    });
  }

  close(): Promise<void> {
    return this.serialized(() => this.journal.close());
  }

  /** Where the layer keeps its files (for error messages). */
  get folder(): string {
    return this.dir;
  }

  private replay(record: JournalRecord, number: number): void {
    const bad = (why: string): never => {
      throw new ProjectError('CORRUPT_JOURNAL', `Record ${number} of ${this.journal.file} ${why}.`, {
        file: this.journal.file,
        hint: 'Move segments/journal.bin out of the project to open it without the segment edits, or run the segmentation again.',
      });
    };
    switch (record.kind) {
      case 'segmentEdit':
        for (let k = 0; k < record.indices.length; k++) {
          if (record.indices[k]! >= this.ids.length || this.ids[record.indices[k]!] !== record.before[k]) bad(`does not fit the segmentation (voxel ${record.indices[k]})`);
        }
        this.applyEdit(record);
        break;
      case 'undo': {
        const edit = this.undoStack.at(-1);
        if (edit?.id !== record.id) bad(`undoes edit ${record.id}, which is not the last one`);
        this.applyUndo(edit!);
        break;
      }
      case 'redo': {
        const edit = this.redoStack.at(-1);
        if (edit?.id !== record.id) bad(`redoes edit ${record.id}, which is not the last one undone`);
        this.applyRedo(edit!);
        break;
      }
      case 'segmentNote':
        this.notes.set(record.segment, { note: record.note, tags: record.tags });
        break;
      default:
        bad(`is a ${record.kind} record, which belongs in the corrections journal`);
    }
  }

  private set(indices: Uint32Array, values: Uint32Array): void {
    for (let k = 0; k < indices.length; k++) {
      this.ids[indices[k]!] = values[k]!;
      if (values[k]! > this.maxId) this.maxId = values[k]!;
    }
  }

  private applyEdit(record: SegmentEditRecord): void {
    this.set(record.indices, record.after);
    this.undoStack.push(record);
    this.redoStack.length = 0;
    this.nextEditId = record.id + 1;
  }

  private applyUndo(edit: SegmentEditRecord): void {
    this.set(edit.indices, edit.before);
    this.undoStack.pop();
    this.redoStack.push(edit);
  }

  private applyRedo(edit: SegmentEditRecord): void {
    this.set(edit.indices, edit.after);
    this.redoStack.pop();
    this.undoStack.push(edit);
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/**
 * Copies for the caller: results cross to the UI with their buffers transferred, which would
 * empty the journal records kept for undo if they were handed out as they are.
 */
function copyChange(indices: Uint32Array, ids: Uint32Array, previous: Uint32Array): SegmentChange {
  return { indices: indices.slice(), ids: ids.slice(), previous: previous.slice() };
}

/** Subfolder of segments/ that keeps replaced segmentations, one folder each. */
export const SEGMENT_ARCHIVE = 'archive';

/** Moves the current base, run and journal (if any) into archive/<time>/, returning that folder. */
async function archiveBase(dir: string): Promise<string | null> {
  const present = await Promise.all([BASE_IDS, BASE_JSON, SEGMENT_JOURNAL].map((name) => stat(path.join(dir, name)).then((info) => ({ name, size: info.size }), () => null)));
  const files = present.filter((file): file is { name: string; size: number } => file !== null);
  if (files.length === 0) return null;
  const names = files.map((file) => file.name);
  // No edits since the run (the journal holds no record past its header): nothing to keep.
  const edited = files.some((file) => file.name === SEGMENT_JOURNAL && file.size > JOURNAL_MAGIC.byteLength);
  if (!edited) {
    for (const name of names) await rm(path.join(dir, name), { force: true });
    return null;
  }
  const target = path.join(dir, SEGMENT_ARCHIVE, new Date().toISOString().replace(/[:.]/g, '-'));
  await mkdir(target, { recursive: true });
  for (const name of names) await rename(path.join(dir, name), path.join(target, name));
  await syncDirectory(dir);
  return target;
}
