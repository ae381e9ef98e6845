import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { VoxelSize } from '../../protocol/contract.js';
import * as zarr from 'zarrita';
import { AtomicFileStore } from '../zarr/AtomicFileStore.js';
import { openOrCreateOmeZarr, type OmeZarr, type OmeZarrLevel } from '../zarr/omeZarr.js';
import { chunkError, writeRegion } from '../zarr/readRegion.js';
import { registerNodeCodecs } from '../zarr/zarrCodecs.js';
import { writeJsonAtomic } from '../base/atomicWrite.js';
import { logger } from '../base/log.js';
import { LABEL_TILE, type CorrectionLayer } from './CorrectionLayer.js';
import type { EditRecord, JournalRecord } from './Journal.js';

const log = logger('project');

/** The corrections as a chunked OME-Zarr label volume inside the project folder. */
export const CORRECTIONS_ZARR = 'corrections.ome.zarr';
/** Inside it: how many journal records the chunks reflect. */
const CHECKPOINT = '.membrana-checkpoint.json';
/** Edits within this long of each other are written together. */
const DEFAULT_DELAY_MS = 300;

/**
 * Keeps corrections.ome.zarr (uint8 labels 0/1/2, chunks of one slice × 256 × 256, gzip) in step
 * with the correction layer: each change marks the tiles it touched, and a write shortly after
 * rewrites just those chunks, then records how many journal records the chunks now reflect.
 * The journal stays the record of truth (it is fsynced before an edit is acknowledged); the
 * chunks follow it. After a crash between the two, opening finds the checkpoint behind the
 * journal and rewrites the tiles the later records touched. Other tools (napari, Neuroglancer,
 * `membrana train`) read the corrections from the chunks without replaying anything.
 */
export class CorrectionChunks {
  private readonly dirty = new Map<number, Set<number>>();
  private store: Promise<OmeZarr> | null = null;
  private durable: Promise<OmeZarrLevel> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** The last failure to write, kept until a write succeeds (the journal still holds the edits). */
  lastError: Error | null = null;

  private constructor(
    private readonly dir: string,
    private readonly layer: CorrectionLayer,
    /** The project's voxel size as it is now (it can be set after the project is made). */
    private readonly voxelSize: () => VoxelSize,
    private readonly delayMs: number,
  ) {}

  /** The label store's folder. */
  get storeDir(): string {
    return path.join(this.dir, CORRECTIONS_ZARR);
  }

  /**
   * Starts following `layer` (just replayed from `records`). Tiles touched by records the chunks
   * do not reflect yet are written now: all of them for a project without the store (made before
   * it existed, or a store deleted by hand), the tail after a crash otherwise.
   */
  static async attach(dir: string, layer: CorrectionLayer, records: readonly JournalRecord[], voxelSize: () => VoxelSize, delayMs = DEFAULT_DELAY_MS): Promise<CorrectionChunks> {
    const chunks = new CorrectionChunks(dir, layer, voxelSize, delayMs);
    const done = await chunks.readCheckpoint();
    // A checkpoint past the journal's end means the journal is not the one the chunks followed
    // (restored from a backup): the chunks may hold labels it does not, so write them afresh.
    if (done > records.length) await rm(chunks.storeDir, { recursive: true, force: true });
    const from = done <= records.length ? done : 0;
    const edits = new Map<number, EditRecord>();
    records.forEach((record, i) => {
      if (record.kind === 'edit') edits.set(record.id, record);
      const edit = record.kind === 'edit' ? record : record.kind === 'undo' || record.kind === 'redo' ? edits.get(record.id) : undefined;
      if (i >= from && edit) chunks.markIndices(edit.z, edit.indices);
    });
    layer.onTouched((change) => {
      for (const t of change.tiles) chunks.mark(change.z, t);
      chunks.schedule();
    });
    // A failed write must not keep the project closed: the journal has every edit, and the next
    // write or open tries again (lastError says why it failed).
    if (chunks.dirty.size > 0 || from !== done) await chunks.flush().catch((error: unknown) => chunks.failed('on opening', error));
    return chunks;
  }

  /** Writes the tiles changed so far now (also what the timer does). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const run = this.writing.then(() => this.writeDirty());
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Writes what is left and stops following the layer. */
  async close(): Promise<void> {
    this.closed = true;
    // The journal keeps every edit: the next open writes what this could not.
    await this.flush().catch((error: unknown) => this.failed('on closing', error));
  }

  /** A write that failed where no caller waits for it: the journal still has the edits, the log says why. */
  private failed(when: string, error: unknown): void {
    log.warn(`Could not write the corrections' chunks ${when}; the journal keeps the edits and the next write tries again`, { folder: this.storeDir, error });
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch((error: unknown) => this.failed('after an edit', error));
    }, this.delayMs);
  }

  private mark(z: number, t: number): void {
    let tiles = this.dirty.get(z);
    if (!tiles) this.dirty.set(z, (tiles = new Set()));
    tiles.add(t);
  }

  private markIndices(z: number, indices: Uint32Array): void {
    const { width } = this.layer;
    const tilesX = Math.ceil(width / LABEL_TILE);
    for (let i = 0; i < indices.length; i++) {
      const y = Math.floor(indices[i]! / width);
      const x = indices[i]! - y * width;
      this.mark(z, Math.floor(y / LABEL_TILE) * tilesX + Math.floor(x / LABEL_TILE));
    }
  }

  private async writeDirty(): Promise<void> {
    // Everything up to this record is either in the tiles taken now or written before.
    const records = this.layer.recordCount;
    const taken = [...this.dirty].map(([z, tiles]) => ({ z, tiles: [...tiles] }));
    this.dirty.clear();
    let failure: unknown = null;
    if (taken.length > 0) {
      let level: OmeZarrLevel;
      try {
        level = await this.durableLevel();
      } catch (error) {
        for (const { z, tiles } of taken) for (const t of tiles) this.mark(z, t);
        this.lastError = error as Error;
        throw error;
      }
      const { width, height } = this.layer;
      const tilesX = Math.ceil(width / LABEL_TILE);
      for (const { z, tiles } of taken) {
        for (const t of tiles) {
          const x0 = (t % tilesX) * LABEL_TILE;
          const y0 = Math.floor(t / tilesX) * LABEL_TILE;
          const w = Math.min(LABEL_TILE, width - x0);
          const h = Math.min(LABEL_TILE, height - y0);
          const tile = this.layer.tile(z, t) ?? new Uint8Array(LABEL_TILE * LABEL_TILE);
          const data = new Uint8Array(w * h);
          for (let r = 0; r < h; r++) data.set(tile.subarray(r * LABEL_TILE, r * LABEL_TILE + w), r * w);
          try {
            await writeRegion(level, { z: [z, z + 1], y: [y0, y0 + h], x: [x0, x0 + w] }, data);
          } catch (error) {
            // Not written: kept dirty for the next write (or the next open); the other tiles go on.
            this.mark(z, t);
            failure ??= chunkError(level, `the corrections of slice ${z}, tile (${Math.floor(t / tilesX)}, ${t % tilesX})`, error);
          }
        }
      }
    }
    if (failure !== null) {
      // The checkpoint stays where it was, so an open rewrites what is still missing.
      this.lastError = failure as Error;
      throw failure;
    }
    await writeJsonAtomic(path.join(this.storeDir, CHECKPOINT), { records });
    this.lastError = null;
  }

  /**
   * Level 0 with chunk writes that are atomic and fsynced (temp, fsync, rename, fsync folder), so
   * the checkpoint written after them never runs ahead of their data, even after a power cut.
   */
  private async durableLevel(): Promise<OmeZarrLevel> {
    const level = (await this.openStore()).levels[0]!;
    registerNodeCodecs();
    this.durable ??= zarr
      .open.v2(zarr.root(new AtomicFileStore(this.storeDir, { durable: true })).resolve('0'), { kind: 'array' })
      .then((array) => ({ ...level, array: array as unknown as OmeZarrLevel['array'] }))
      .catch((error: unknown) => {
        this.durable = null;
        throw error;
      });
    return this.durable;
  }

  private openStore(): Promise<OmeZarr> {
    const { width, height, depth } = this.layer;
    this.store ??= openOrCreateOmeZarr(this.storeDir, {
      shape: [depth, height, width],
      dtype: 'uint8',
      chunks: [1, LABEL_TILE, LABEL_TILE],
      voxelSize: this.voxelSize(),
      levels: 1,
      version: 2,
      label: true,
      name: 'corrections (0 unlabelled, 1 membrane, 2 cell)',
    }).catch((error: unknown) => {
      this.store = null;
      throw error;
    });
    return this.store;
  }

  private async readCheckpoint(): Promise<number> {
    try {
      const value = JSON.parse(await readFile(path.join(this.storeDir, CHECKPOINT), 'utf8')) as { records?: unknown };
      return Number.isInteger(value.records) && (value.records as number) >= 0 ? (value.records as number) : 0;
    } catch (error) {
      // No checkpoint (never written) or a damaged one: every chunk is written again from the journal, which is safe.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('The corrections checkpoint cannot be read; writing every chunk again from the journal', { file: path.join(this.storeDir, CHECKPOINT), error });
      return 0;
    }
  }
}
