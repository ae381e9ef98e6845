import type { Progress } from '../../protocol/contract.js';
import { throwIfCancelled } from '../base/cancellation.js';
import { watershed2d } from '../segment/watershed2d.js';
import { blockAt, blockCount, type Block, type BlockGrid, type BlockRunOptions } from './blockGrid.js';
import { boxSize, haloedBox, indexIn, writeBlockFiles, type BlockStats, type Box } from './blockLabels.js';
import { stepLedger, type SegmentSettings, type SegmentStore } from './createSegmentStore.js';
import type { VolumeSource } from './VolumeSource.js';
import { BlockRun } from './BlockRun.js';

/** What one step did for the blocks (or faces) it was given. */
export interface StepResult {
  /** Done by this call. */
  done: number[];
  /** Already marked done, left alone. */
  skipped: number[];
  seconds: number;
}

export interface SegmentBlocksOptions extends BlockRunOptions {
  /** Membrane probability, uint8 (255 = membrane), [z, y, x]. */
  input: VolumeSource;
  store: SegmentStore;
  grid: BlockGrid;
}

/**
 * Step 1 of block-wise segmentation: for each block not marked done, read its probability with
 * the halo (y/x) and the next block's first slice, run watershed2d on each slice, and write the
 * box's 2D segment ids and their core areas and overlaps (segmentBlock) under
 * `.membrana-segment/blocks/`, then mark the block done with its id counts. Each block depends
 * on the input alone, so resumed runs and shares give the same bytes.
 */
export async function segmentBlocks(options: SegmentBlocksOptions): Promise<StepResult> {
  const { grid, store, input } = options;
  const wanted = options.blocks ?? Array.from({ length: blockCount(grid) }, (_, k) => k);
  return runStep('Segmenting blocks', stepLedger(store, 'blocks'), wanted, options, async (k) => {
    const block = blockAt(grid, k);
    const box = haloedBox(grid, block);
    const data = await input.read(box.z, box.y, box.x, options.signal);
    const probability = data instanceof Uint8Array ? data : Uint8Array.from(data);
    throwIfCancelled(options.signal, 'Segmentation');
    const result = segmentBlock(probability, box, block, store.settings, options.signal);
    await writeBlockFiles(store, k, result.labels, result.stats);
    return { count: result.count, coreCount: result.coreCount };
  });
}

/**
 * One block's 2D segments over its haloed box: watershed2d per slice (ids unique across the
 * box), numbered so that ids 1..coreCount are those seen in the core (z-major order of first
 * voxel) and halo-only ids follow. Slices are not linked here: linking needs whole segments'
 * areas, and a segment cut by the box would look smaller than it is (linking inside the box
 * joined different neurons through such cut pieces). Instead the block counts, on its core
 * voxels only, each segment's area and its overlaps with the next slice, and the merge step
 * adds them up over blocks before applying linkSlices' rule, as segmentVolume would.
 */
export function segmentBlock(probability: Uint8Array, box: Box, block: Block, settings: SegmentSettings, signal?: AbortSignal): { labels: Uint32Array; count: number; coreCount: number; stats: BlockStats } {
  const [depth, height, width] = boxSize(box);
  const plane = height * width;
  const slices = new Uint32Array(depth * plane);
  const pixelSize = { x: settings.voxelSize.x, y: settings.voxelSize.y };
  let count = 0;
  for (let s = 0; s < depth; s++) {
    throwIfCancelled(signal, 'Segmentation');
    const slice = watershed2d(probability.subarray(s * plane, (s + 1) * plane), width, height, {
      pixelSize,
      seedThreshold: settings.seedThreshold,
      seedProminence: settings.seedProminence,
      seedNeckRatio: settings.seedNeckRatio,
      minArea: settings.minArea,
    });
    for (let i = 0; i < plane; i++) if (slice.labels[i] !== 0) slices[s * plane + i] = slice.labels[i]! + count;
    count += slice.count;
  }
  const { labels, coreCount } = coreFirst(slices, count, box, block);
  return { labels, count, coreCount, stats: coreStats(labels, coreCount, box, block, probability, settings.linkInteriorBelow) };
}

/**
 * Core areas of the core ids, and overlaps of core voxels in slice z with slice z + 1 (inside the
 * box), counting only pixels below `interiorBelow` (in both slices for an overlap), as linkSlices.
 */
function coreStats(labels: Uint32Array, coreCount: number, box: Box, block: Block, probability: Uint8Array, interiorBelow: number): BlockStats {
  const areas = new Uint32Array(coreCount);
  const overlaps = new Map<number, number>();
  const plane = (box.y[1] - box.y[0]) * (box.x[1] - box.x[0]);
  const width = block.x[1] - block.x[0];
  const idsAbove = Math.max(1, labels.length) + 1;
  for (let z = block.z[0]; z < block.z[1]; z++) {
    const next = z + 1 < box.z[1];
    for (let y = block.y[0]; y < block.y[1]; y++) {
      for (let i = indexIn(box, z, y, block.x[0]), end = i + width; i < end; i++) {
        const a = labels[i]!;
        if (a === 0 || probability[i]! >= interiorBelow) continue;
        areas[a - 1]!++;
        const b = next && probability[i + plane]! < interiorBelow ? labels[i + plane]! : 0;
        if (b !== 0) overlaps.set(a * idsAbove + b, (overlaps.get(a * idsAbove + b) ?? 0) + 1);
      }
    }
  }
  const triples = new Uint32Array(overlaps.size * 3);
  let t = 0;
  for (const [key, voxels] of [...overlaps].sort((p, q) => p[0] - q[0])) {
    triples[t++] = Math.floor(key / idsAbove);
    triples[t++] = key % idsAbove;
    triples[t++] = voxels;
  }
  return { areas, overlaps: triples };
}

/** Renumbers ids so that the core's come first, in z-major order of their first core voxel. */
function coreFirst(ids: Uint32Array, count: number, box: Box, block: Block): { labels: Uint32Array; coreCount: number } {
  const numbers = new Uint32Array(count + 1);
  let next = 0;
  for (let z = block.z[0]; z < block.z[1]; z++) {
    for (let y = block.y[0]; y < block.y[1]; y++) {
      for (let i = indexIn(box, z, y, block.x[0]), end = i + (block.x[1] - block.x[0]); i < end; i++) {
        const id = ids[i]!;
        if (id !== 0 && numbers[id] === 0) numbers[id] = ++next;
      }
    }
  }
  const coreCount = next;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id !== 0 && numbers[id] === 0) numbers[id] = ++next;
  }
  const labels = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) labels[i] = numbers[ids[i]!]!;
  return { labels, coreCount };
}

/**
 * Runs `work` for each item not marked done in `ledger`, in order, marking each after its work
 * is durable, with progress and cancel between items. Shared by the sharded steps.
 */
export async function runStep(
  stage: string,
  ledger: ReturnType<typeof stepLedger>,
  wanted: number[],
  options: { signal?: AbortSignal; onProgress?: (progress: Progress) => void; onBlock?: (item: number) => void },
  work: (item: number) => Promise<Record<string, unknown>>,
): Promise<StepResult> {
  const run = await BlockRun.start(stage, ledger, wanted, options.onProgress);
  for (const k of run.todo) {
    throwIfCancelled(options.signal, 'Segmentation');
    const record = await work(k);
    // Only after the item's files are durable: a kill before this line leaves it unmarked.
    await ledger.markDone(k, record);
    options.onBlock?.(k);
    run.finish(k);
    // Let a cancel from another task through between items (the work itself is synchronous).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { done: run.done, skipped: run.skipped, seconds: run.seconds };
}
