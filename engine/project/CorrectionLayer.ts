import { LABEL, type LabelValue } from '../../protocol/vocabulary.js';
import type { EditRecord, Journal, JournalRecord } from './Journal.js';
import { ProjectError } from './ProjectError.js';

/** Correction label values per pixel: the contract's (protocol/vocabulary.ts), one name each. */
export const UNLABELLED = LABEL.unlabelled;
export const MEMBRANE = LABEL.membrane;
export const CELL = LABEL.cell;
export type { LabelValue };

/** Pixels of slice z whose label changed and their new values: what the UI must apply to its copy. */
export interface Change {
  /** The edit this change makes, undoes or redoes. */
  id: number;
  z: number;
  indices: Uint32Array;
  values: Uint8Array;
}

/** Labels are held (and written to corrections.ome.zarr) in tiles of this many pixels square. */
export const LABEL_TILE = 256;
const EMPTY_TILE = new Uint8Array(0);

/** A tile of slice z that changed: tile index t = ty * tilesX + tx. */
export interface TouchedTiles {
  z: number;
  tiles: number[];
}

export interface LabelCounts {
  unlabelled: number;
  membrane: number;
  cell: number;
}

/**
 * The corrections label layer: the labels, the undo/redo stacks and the validation marks, kept
 * in step with the journal. Every change is journaled (and fsynced) first and applied in memory
 * after, so nothing is ever applied that a crash could lose. Changes run one at a time in call
 * order, so each edit's "before" values are exact. Labels live in 256² tiles made on first
 * touch, so memory follows the labelled area, not the size of the slices.
 */
export class CorrectionLayer {
  /** Per slice, its tiles that were ever touched (t = ty * tilesX + tx), each LABEL_TILE² values. */
  private readonly tiles = new Map<number, Map<number, Uint8Array>>();
  private readonly tilesX: number;
  /** Journal records applied so far (replayed and new). */
  private records = 0;
  /** Told which tiles each applied change touched, after it is journaled (see onTouched). */
  private touched: ((change: TouchedTiles, records: number) => void) | null = null;
  /** Per allocated slice, how many pixels hold each label value (index = value). */
  private readonly labelCounts = new Map<number, Uint32Array>();
  private readonly undoStack: EditRecord[] = [];
  private readonly redoStack: EditRecord[] = [];
  private readonly validation = new Set<number>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly width: number,
    readonly height: number,
    readonly depth: number,
    private readonly journal: Journal,
  ) {
    for (const [name, value] of [['width', width], ['height', height], ['depth', depth]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`CorrectionLayer: ${name} must be a positive integer, got ${value}.`);
    }
    this.tilesX = Math.ceil(width / LABEL_TILE);
  }

  /** Journal records reflected in the labels (those replayed at open plus those appended since). */
  get recordCount(): number {
    return this.records;
  }

  /** Calls `listener` after each applied change with the tiles it touched and the record count it brings the layer to. */
  onTouched(listener: (change: TouchedTiles, records: number) => void): void {
    this.touched = listener;
  }

  /** Slice z's tile t (LABEL_TILE² values, row-major, past the slice's edge unused); undefined when never touched. */
  tile(z: number, t: number): Uint8Array | undefined {
    return this.tiles.get(z)?.get(t);
  }

  /** The tiles of slice z ever touched, ascending. */
  touchedTiles(z: number): number[] {
    return [...(this.tiles.get(z)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** The label of pixel `index` (y * width + x) of slice z. */
  private labelAt(z: number, index: number): number {
    const y = Math.floor(index / this.width);
    const x = index - y * this.width;
    const tile = this.tiles.get(z)?.get(Math.floor(y / LABEL_TILE) * this.tilesX + Math.floor(x / LABEL_TILE));
    return tile ? tile[(y % LABEL_TILE) * LABEL_TILE + (x % LABEL_TILE)]! : UNLABELLED;
  }

  /**
   * Rebuilds the layer from a journal's records: labels, validation marks and the full undo/redo
   * history. A record that does not fit this stack (or this history) is a CORRUPT_JOURNAL error
   * naming the journal file and the record number.
   */
  static replay(records: readonly JournalRecord[], width: number, height: number, depth: number, journal: Journal): CorrectionLayer {
    const layer = new CorrectionLayer(width, height, depth, journal);
    records.forEach((record, i) => {
      try {
        layer.replayRecord(record);
      } catch (error) {
        throw new ProjectError('CORRUPT_JOURNAL', `The edit journal ${journal.file} does not fit this project: record ${i + 1} (${record.kind}) ${(error as Error).message}.`, {
          file: journal.file,
          hint: 'Make sure journal.bin belongs to this project (and image.tif to it); restore it from a backup, or move it out of the folder to open the project without its corrections.',
          cause: error,
        });
      }
    });
    return layer;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Slice z's labels, a new array (zeros where nothing was labelled). */
  slice(z: number): Uint8Array {
    this.checkSlice(z);
    const out = new Uint8Array(this.width * this.height);
    for (const [t, tile] of this.tiles.get(z) ?? []) {
      const x0 = (t % this.tilesX) * LABEL_TILE;
      const y0 = Math.floor(t / this.tilesX) * LABEL_TILE;
      const w = Math.min(LABEL_TILE, this.width - x0);
      const h = Math.min(LABEL_TILE, this.height - y0);
      for (let r = 0; r < h; r++) out.set(tile.subarray(r * LABEL_TILE, r * LABEL_TILE + w), (y0 + r) * this.width + x0);
    }
    return out;
  }

  /** Slices with at least one labelled pixel, ascending. */
  labelledSlices(): number[] {
    return [...this.labelCounts].filter(([, counts]) => counts[MEMBRANE]! + counts[CELL]! > 0).map(([z]) => z).sort((a, b) => a - b);
  }

  counts(z: number): LabelCounts {
    this.checkSlice(z);
    const counts = this.labelCounts.get(z);
    return { unlabelled: counts?.[UNLABELLED] ?? this.width * this.height, membrane: counts?.[MEMBRANE] ?? 0, cell: counts?.[CELL] ?? 0 };
  }

  /** Slices marked as validation (held out of training), ascending. */
  validationSlices(): number[] {
    return [...this.validation].sort((a, b) => a - b);
  }

  /**
   * Sets the given pixels of slice z to a label. Pixels already at that value are left out (the
   * edit holds each changed pixel once); null when nothing changes. A new edit clears redo.
   */
  async paint(z: number, indices: Uint32Array, value: LabelValue, tool: string): Promise<Change | null> {
    this.checkSlice(z);
    if (value !== UNLABELLED && value !== MEMBRANE && value !== CELL) {
      throw invalid(`Label value ${String(value)} is not one of 0 (unlabelled), 1 (membrane) or 2 (cell).`, 'Paint with the membrane or cell label, or erase.');
    }
    if (!(indices instanceof Uint32Array)) throw invalid('Painted pixels must be a Uint32Array of pixel indices.', 'Send the stroke as pixel indices y * width + x.');
    const sorted = Uint32Array.from(indices).sort();
    const pixels = this.width * this.height;
    if (sorted.length > 0 && sorted[sorted.length - 1]! >= pixels) {
      throw invalid(`Pixel index ${sorted[sorted.length - 1]} is outside the ${this.width} × ${this.height} slice (indices go up to ${pixels - 1}).`, 'Clip the stroke to the image.');
    }
    return this.serialized(async () => {
      const changed = new Uint32Array(sorted.length);
      const before = new Uint8Array(sorted.length);
      let count = 0;
      for (let i = 0; i < sorted.length; i++) {
        const index = sorted[i]!;
        const current = this.labelAt(z, index);
        if (current === value || (i > 0 && sorted[i - 1] === index)) continue;
        changed[count] = index;
        before[count++] = current;
      }
      if (count === 0) return null;
      const record: EditRecord = {
        kind: 'edit',
        id: this.nextId,
        z,
        tool: String(tool),
        indices: changed.slice(0, count),
        before: before.slice(0, count),
        after: new Uint8Array(count).fill(value),
        time: new Date().toISOString(),
      };
      await this.journal.append(record);
      this.records++;
      this.applyEdit(record);
      return toChange(record, record.after);
    });
  }

  /** Undoes the latest edit not yet undone; null when there is none. */
  undo(): Promise<Change | null> {
    return this.serialized(async () => {
      const edit = this.undoStack.at(-1);
      if (!edit) return null;
      await this.journal.append({ kind: 'undo', id: edit.id, time: new Date().toISOString() });
      this.records++;
      this.applyUndo(edit);
      return toChange(edit, edit.before);
    });
  }

  /** Redoes the latest undone edit; null when there is none (or a new edit came after the undo). */
  redo(): Promise<Change | null> {
    return this.serialized(async () => {
      const edit = this.redoStack.at(-1);
      if (!edit) return null;
      await this.journal.append({ kind: 'redo', id: edit.id, time: new Date().toISOString() });
      this.records++;
      this.applyRedo(edit);
      return toChange(edit, edit.after);
    });
  }

  /** Marks or unmarks slice z as a validation slice; false when it already was in that state (nothing journaled). */
  async setValidation(z: number, on: boolean): Promise<boolean> {
    this.checkSlice(z);
    return this.serialized(async () => {
      if (this.validation.has(z) === on) return false;
      await this.journal.append({ kind: 'validation', z, on, time: new Date().toISOString() });
      this.records++;
      this.applyValidation(z, on);
      return true;
    });
  }

  /**
   * Slice z's labels in the ISBI 2012 convention for training: 0 = membrane, 255 = cell, and a
   * mask that is 1 where the pixel is labelled (labels are 0 where the mask is 0: ignore them).
   */
  isbiLabels(z: number): { labels: Uint8Array; mask: Uint8Array } {
    this.checkSlice(z);
    const pixels = this.width * this.height;
    const labels = new Uint8Array(pixels);
    const mask = new Uint8Array(pixels);
    const values = this.slice(z);
    for (let i = 0; i < pixels; i++) {
      if (values[i] === CELL) labels[i] = 255;
      if (values[i] !== UNLABELLED) mask[i] = 1;
    }
    return { labels, mask };
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private replayRecord(record: JournalRecord): void {
    this.records++;
    switch (record.kind) {
      case 'edit': {
        if (!Number.isInteger(record.z) || record.z < 0 || record.z >= this.depth) throw new Error(`paints slice ${record.z}, but the stack has slices 0–${this.depth - 1}`);
        if (record.id < this.nextId) throw new Error(`has edit id ${record.id}, but ids must increase (the previous was ${this.nextId - 1})`);
        const { indices, before, after } = record;
        if (before.length !== indices.length || after.length !== indices.length) {
          throw new Error(`has ${indices.length} pixels but ${before.length} before and ${after.length} after values`);
        }
        const pixels = this.width * this.height;
        for (let i = 0; i < indices.length; i++) {
          if (indices[i]! >= pixels) throw new Error(`paints pixel ${indices[i]}, outside the ${this.width} × ${this.height} slice`);
          if (after[i]! > CELL || before[i]! > CELL) throw new Error(`holds label value ${Math.max(after[i]!, before[i]!)}, not 0, 1 or 2`);
        }
        // The labels before each edit are known exactly; a mismatch (checked while applying: a
        // failed replay opens nothing) means edits are missing or out of order.
        this.setLabels(record.z, indices, after, before);
        this.undoStack.push(record);
        this.redoStack.length = 0;
        this.nextId = record.id + 1;
        break;
      }
      case 'undo': {
        const edit = this.undoStack.at(-1);
        if (edit?.id !== record.id) throw new Error(`undoes edit ${record.id}, but ${edit ? `the edit to undo is ${edit.id}` : 'there is nothing to undo'}`);
        this.applyUndo(edit);
        break;
      }
      case 'redo': {
        const edit = this.redoStack.at(-1);
        if (edit?.id !== record.id) throw new Error(`redoes edit ${record.id}, but ${edit ? `the edit to redo is ${edit.id}` : 'there is nothing to redo'}`);
        this.applyRedo(edit);
        break;
      }
      case 'validation':
        if (!Number.isInteger(record.z) || record.z < 0 || record.z >= this.depth) throw new Error(`marks slice ${record.z}, but the stack has slices 0–${this.depth - 1}`);
        this.applyValidation(record.z, record.on);
        break;
    }
  }

  private applyEdit(record: EditRecord): void {
    this.setLabels(record.z, record.indices, record.after);
    this.undoStack.push(record);
    this.redoStack.length = 0;
    this.nextId = record.id + 1;
  }

  private applyUndo(edit: EditRecord): void {
    this.setLabels(edit.z, edit.indices, edit.before);
    this.undoStack.pop();
    this.redoStack.push(edit);
  }

  private applyRedo(edit: EditRecord): void {
    this.setLabels(edit.z, edit.indices, edit.after);
    this.redoStack.pop();
    this.undoStack.push(edit);
  }

  private applyValidation(z: number, on: boolean): void {
    if (on) this.validation.add(z);
    else this.validation.delete(z);
  }

  /** Sets the pixels; with `expected`, first checks each pixel held its expected value (replay). */
  private setLabels(z: number, indices: Uint32Array, values: Uint8Array, expected?: Uint8Array): void {
    let tiles = this.tiles.get(z);
    let counts = this.labelCounts.get(z);
    if (!tiles || !counts) {
      tiles = new Map();
      counts = Uint32Array.of(this.width * this.height, 0, 0);
      this.tiles.set(z, tiles);
      this.labelCounts.set(z, counts);
    }
    const touched = new Set<number>();
    const { width, tilesX } = this;
    let lastT = -1;
    let tile: Uint8Array = EMPTY_TILE;
    // LABEL_TILE is 256: tile row and column by shifts, the place in the tile by masks.
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      const y = Math.floor(index / width);
      const x = index - y * width;
      const t = (y >>> 8) * tilesX + (x >>> 8);
      if (t !== lastT) {
        let found = tiles.get(t);
        if (!found) tiles.set(t, (found = new Uint8Array(LABEL_TILE * LABEL_TILE)));
        tile = found;
        touched.add(t);
        lastT = t;
      }
      const k = ((y & 255) << 8) | (x & 255);
      const old = tile[k]!;
      if (expected && old !== expected[i]) throw new Error(`expects pixel ${index} to be ${expected[i]} before the edit, but it is ${old}`);
      counts[old]!--;
      counts[values[i]!]!++;
      tile[k] = values[i]!;
    }
    this.touched?.({ z, tiles: [...touched] }, this.records);
  }

  private checkSlice(z: number): void {
    if (!Number.isInteger(z) || z < 0 || z >= this.depth) {
      throw invalid(`Slice ${String(z)} is outside the stack (slices 0–${this.depth - 1}).`, 'Pick a slice inside the stack.');
    }
  }
}

/** Fresh copies, so a caller that transfers or changes the arrays cannot touch the undo history. */
function toChange(edit: EditRecord, values: Uint8Array): Change {
  return { id: edit.id, z: edit.z, indices: edit.indices.slice(), values: values.slice() };
}

function invalid(message: string, hint: string): ProjectError {
  return new ProjectError('INVALID_EDIT', message, { hint });
}
