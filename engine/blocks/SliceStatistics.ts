import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SliceStats } from '../model/normalizeSlice.js';
import type { BlockLedger } from './BlockLedger.js';
import type { VolumeSource } from './VolumeSource.js';
import { writeFileAtomic } from '../base/atomicWrite.js';

/** Chunk columns (one chunk in y/x, the slab's depth in z) measured per slab at most. */
export const MAX_SAMPLED_COLUMNS = 64;

/**
 * How block-wise prediction normalises, recorded in the store's settings: a store started
 * another way is refused rather than mixed.
 */
export const SLICE_STATISTICS_METHOD = `slice z-score, mean and std of each level-0 slice over all of it or ${MAX_SAMPLED_COLUMNS} evenly spread chunk columns`;

/** Sampling unit in y/x when the source does not say how it is chunked. */
const DEFAULT_CHUNK = 256;

/** A box in y/x, half-open. */
export interface Box {
  y: [number, number];
  x: [number, number];
}

/**
 * The boxes a slice's statistics are measured over, in the order they are summed. A slice of
 * at most `maxColumns` chunks is measured whole, one band of chunk rows at a time (top to
 * bottom), so the sums run in the same order as normalizeSlice's over the whole slice and give
 * the same bits. A bigger slice is measured over an evenly spread grid of at most `maxColumns`
 * chunks, so the cost does not grow with the slice.
 */
export function sampleBoxes(shape: readonly number[], chunks: readonly [number, number], maxColumns = MAX_SAMPLED_COLUMNS): Box[] {
  const [height, width] = [shape[1]!, shape[2]!];
  const [chunkHeight, chunkWidth] = chunks;
  const rows = Math.ceil(height / chunkHeight), columns = Math.ceil(width / chunkWidth);
  const span = (i: number, chunk: number, length: number): [number, number] => [i * chunk, Math.min(length, (i + 1) * chunk)];
  if (rows * columns <= maxColumns) return Array.from({ length: rows }, (_, r) => ({ y: span(r, chunkHeight, height), x: [0, width] }));
  // As square a grid as the slice's chunk grid allows: gy × gx ≤ maxColumns.
  const gy = Math.min(rows, Math.max(1, Math.round(Math.sqrt((maxColumns * rows) / columns))));
  const gx = Math.min(columns, Math.floor(maxColumns / gy));
  const spread = (count: number, of: number): number[] => Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * of) / count));
  const boxes: Box[] = [];
  for (const r of spread(gy, rows)) for (const c of spread(gx, columns)) boxes.push({ y: span(r, chunkHeight, height), x: span(c, chunkWidth, width) });
  return boxes;
}

/**
 * Mean and standard deviation of each slice z[0] ≤ z < z[1] over `boxes`, as normalizeSlice
 * computes them (finite voxels only; two passes, so the mean is subtracted before squaring). Each
 * box is read twice rather than kept, so memory stays at one box.
 */
export async function measureSlices(source: VolumeSource, z: [number, number], boxes: readonly Box[], signal?: AbortSignal): Promise<SliceStats[]> {
  const depth = z[1] - z[0];
  const sums = new Float64Array(depth), counts = new Float64Array(depth), squares = new Float64Array(depth);
  const pass = async (add: (s: number, v: number) => void): Promise<void> => {
    for (const box of boxes) {
      const data = await source.read(z, box.y, box.x, signal);
      const plane = (box.y[1] - box.y[0]) * (box.x[1] - box.x[0]);
      for (let s = 0; s < depth; s++) {
        for (let i = s * plane, end = (s + 1) * plane; i < end; i++) {
          const v = data[i]!;
          if (Number.isFinite(v)) add(s, v);
        }
      }
    }
  };
  await pass((s, v) => {
    sums[s] = sums[s]! + v;
    counts[s] = counts[s]! + 1;
  });
  const means = Array.from(sums, (sum, s) => (counts[s]! > 0 ? sum / counts[s]! : 0));
  await pass((s, v) => (squares[s] = squares[s]! + (v - means[s]!) * (v - means[s]!)));
  return means.map((mean, s) => ({ mean, std: Math.sqrt(counts[s]! > 0 ? squares[s]! / counts[s]! : 0) }));
}

interface SlabFile {
  method: string;
  z: [number, number];
  slices: SliceStats[];
}

/**
 * Per-slice normalisation statistics of a volume, one z slab (a block's depth) at a time:
 * measured once from the input and kept in the ledger folder (`stats-<z0>-<z1>.json`, written
 * durably like the markers), so every block, job and resumed run of a store uses the same
 * numbers. Measuring is deterministic, so two jobs that measure a slab at once write the same
 * bytes and either rename may win.
 */
export class SliceStatistics {
  private readonly slabs = new Map<string, Promise<SliceStats[]>>();
  private readonly boxes: Box[];

  constructor(
    private readonly source: VolumeSource,
    private readonly ledger: BlockLedger,
  ) {
    const chunks = source.chunks ?? [1, DEFAULT_CHUNK, DEFAULT_CHUNK];
    this.boxes = sampleBoxes(source.shape, [chunks[1], chunks[2]]);
  }

  /** Statistics of slices z[0] ≤ z < z[1] (a slab: every block of it asks with the same range). */
  slab(z: [number, number], signal?: AbortSignal): Promise<SliceStats[]> {
    const key = `${z[0]}-${z[1]}`;
    let stats = this.slabs.get(key);
    if (!stats) {
      stats = this.load(z, signal);
      // A cancelled or failed measurement is not kept: the next caller measures again.
      stats.catch(() => this.slabs.delete(key));
      this.slabs.set(key, stats);
    }
    return stats;
  }

  file(z: [number, number]): string {
    return path.join(this.ledger.folder, `stats-${z[0]}-${z[1]}.json`);
  }

  private async load(z: [number, number], signal?: AbortSignal): Promise<SliceStats[]> {
    const file = this.file(z);
    const cached = await readSlabFile(file, z);
    if (cached) return cached;
    const slices = await measureSlices(this.source, z, this.boxes, signal);
    const record: SlabFile = { method: SLICE_STATISTICS_METHOD, z, slices };
    // JSON keeps every double exactly, so a job that reads this file gets the numbers used here.
    await writeFileAtomic(file, `${JSON.stringify(record)}\n`, { createFolder: true });
    return slices;
  }
}

/** The slab's statistics from `file`, or null when it is missing or not one for this slab. */
async function readSlabFile(file: string, z: [number, number]): Promise<SliceStats[] | null> {
  let record: Partial<SlabFile>;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as Partial<SlabFile>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return null;
    throw error;
  }
  const fits =
    record.method === SLICE_STATISTICS_METHOD &&
    record.z?.[0] === z[0] &&
    record.z[1] === z[1] &&
    Array.isArray(record.slices) &&
    record.slices.length === z[1] - z[0] &&
    record.slices.every((s) => Number.isFinite(s?.mean) && Number.isFinite(s?.std));
  return fits ? record.slices! : null;
}
