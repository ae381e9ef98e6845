import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Block, BlockGrid } from './blockGrid.js';
import { stepFile, stepLedger, type SegmentStore } from './createSegmentStore.js';
import { writeFileAtomic } from '../base/atomicWrite.js';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** A box of voxels: half-open [start, end) per axis. */
export interface Box {
  z: [number, number];
  y: [number, number];
  x: [number, number];
}

/** What the blocks step records about a block in its done marker. */
export interface BlockRecord {
  /** 2D segment ids 1..count in the block's haloed box (unique across its slices). */
  count: number;
  /** Ids 1..coreCount are the ones found in the block's core (without halo); the rest only in its halo. */
  coreCount: number;
}

/** A block's share of what linking slices needs: areas and overlaps counted on its core voxels only. */
export interface BlockStats {
  /** Entry j − 1: core voxels of segment j (j ≤ coreCount). */
  areas: Uint32Array;
  /** Triples (a, b, voxels): segment a in slice z (core) overlaps segment b in slice z + 1 there. */
  overlaps: Uint32Array;
}

/** A block's labels over its haloed box, as the blocks step wrote them. */
export interface BlockLabels extends BlockRecord {
  box: Box;
  labels: Uint32Array;
}

/**
 * The block plus `halo` pixels on each side in y/x and the next block's first slice in z,
 * clipped to the volume (never mirrored: the whole-volume segmentation sees no mirror either).
 */
export function haloedBox(grid: BlockGrid, block: Block): Box {
  const clip = (range: [number, number], extra: number, size: number): [number, number] => [Math.max(0, range[0] - extra), Math.min(size, range[1] + extra)];
  return { z: [block.z[0], Math.min(grid.shape[0], block.z[1] + 1)], y: clip(block.y, grid.halo, grid.shape[1]), x: clip(block.x, grid.halo, grid.shape[2]) };
}

export function boxSize(box: Box): [number, number, number] {
  return [box.z[1] - box.z[0], box.y[1] - box.y[0], box.x[1] - box.x[0]];
}

/** Index of volume voxel (z, y, x) in a z-major array over `box`. */
export function indexIn(box: Box, z: number, y: number, x: number): number {
  return ((z - box.z[0]) * (box.y[1] - box.y[0]) + (y - box.y[0])) * (box.x[1] - box.x[0]) + (x - box.x[0]);
}

/** The labels of the part `inner` of a z-major array over `box`. */
export function cropBox(labels: Uint32Array, box: Box, inner: Box): Uint32Array {
  const [depth, height, width] = boxSize(inner);
  const out = new Uint32Array(depth * height * width);
  let i = 0;
  for (let z = inner.z[0]; z < inner.z[1]; z++) {
    for (let y = inner.y[0]; y < inner.y[1]; y++) {
      const from = indexIn(box, z, y, inner.x[0]);
      out.set(labels.subarray(from, from + width), i);
      i += width;
    }
  }
  return out;
}

/** `<store>/.membrana-segment/blocks/<k>.u32.gz`: raw little-endian uint32 over the haloed box, gzipped. */
export function blockLabelsFile(store: SegmentStore, k: number): string {
  return stepFile(store, 'blocks', `${k}.u32.gz`);
}

/** `<store>/.membrana-segment/blocks/<k>.stats.u32.gz`: areas then overlap triples, gzipped. */
export function blockStatsFile(store: SegmentStore, k: number): string {
  return stepFile(store, 'blocks', `${k}.stats.u32.gz`);
}

async function writeWords(file: string, words: Uint32Array): Promise<void> {
  await writeFileAtomic(file, new Uint8Array(await gzip(new Uint8Array(words.buffer, words.byteOffset, words.byteLength), { level: 1 })), { createFolder: true });
}

async function readWords(file: string): Promise<Uint32Array> {
  const bytes = await gunzip(await readFile(file));
  // Copy into an aligned buffer of its own (Buffer pools may not be 4-byte aligned).
  const words = new Uint32Array(bytes.byteLength >> 2);
  new Uint8Array(words.buffer).set(bytes.subarray(0, words.byteLength));
  return words;
}

/** Writes a block's labels and stats (not its marker). */
export async function writeBlockFiles(store: SegmentStore, k: number, labels: Uint32Array, stats: BlockStats): Promise<void> {
  await writeWords(blockLabelsFile(store, k), labels);
  const words = new Uint32Array(stats.areas.length + stats.overlaps.length);
  words.set(stats.areas);
  words.set(stats.overlaps, stats.areas.length);
  await writeWords(blockStatsFile(store, k), words);
}

export async function readBlockStats(store: SegmentStore, k: number, record: BlockRecord): Promise<BlockStats> {
  const file = blockStatsFile(store, k);
  const words = await readWords(file);
  if (words.length < record.coreCount || (words.length - record.coreCount) % 3 !== 0) throw new Error(`${file} does not fit block ${k}'s marker: delete the marker and rerun --step blocks.`);
  return { areas: words.subarray(0, record.coreCount), overlaps: words.subarray(record.coreCount) };
}

/** The blocks step's record of block k (from its done marker), or an error saying to run that step. */
export async function readBlockRecord(store: SegmentStore, k: number): Promise<BlockRecord> {
  const marker = stepLedger(store, 'blocks').marker(k);
  let text: string;
  try {
    text = await readFile(marker, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`Block ${k} of ${store.folder} is not segmented yet (${marker} is missing): run \`membrana segment … --step blocks\` for every share first.`, { cause: error });
    }
    throw error;
  }
  const record = JSON.parse(text) as Partial<BlockRecord>;
  if (!(Number.isInteger(record.count) && Number.isInteger(record.coreCount))) throw new Error(`${marker} lacks the block's id counts: delete it and rerun --step blocks to redo block ${k}.`);
  return { count: record.count!, coreCount: record.coreCount! };
}

/** Block k's haloed labels as the blocks step wrote them. */
export async function readBlockLabels(store: SegmentStore, grid: BlockGrid, block: Block): Promise<BlockLabels> {
  const record = await readBlockRecord(store, block.index);
  const file = blockLabelsFile(store, block.index);
  const labels = await readWords(file);
  const box = haloedBox(grid, block);
  const [d, h, w] = boxSize(box);
  if (labels.length !== d * h * w) throw new Error(`${file} holds ${labels.length} labels, not the ${d} × ${h} × ${w} of block ${block.index}'s box: delete its marker and rerun --step blocks.`);
  return { ...record, box, labels };
}
