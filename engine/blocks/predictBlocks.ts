import * as zarr from 'zarrita';
import type { LoadedModel } from '../model/modelFolder.js';
import { normalizeSlice, type SliceStats } from '../model/normalizeSlice.js';
import { cancelledError } from '../predict/cancelledError.js';
import { modelTiling } from '../predict/modelForInference.js';
import { openPredictor } from '../predict/openPredictor.js';
import type { PredictSliceOptions } from '../predict/predictSlice.js';
import type { Predictor } from '../predict/Predictor.js';
import { blockAt, blockCount, type Block, type BlockGrid, type BlockRunOptions } from './blockGrid.js';
import type { BlockLedger } from './BlockLedger.js';
import { SliceStatistics } from './SliceStatistics.js';
import { readHaloedBlock, zarrSource, type VolumeSource } from './VolumeSource.js';
import { BlockRun } from './BlockRun.js';

export interface PredictBlocksOptions extends BlockRunOptions {
  /** The image, [z, y, x]: a zarrita array or any VolumeSource. */
  input: zarr.Array<zarr.DataType, zarr.Readable> | VolumeSource;
  /** Where the probabilities go: uint8 (255 = membrane), same shape, chunks dividing the blocks. */
  output: zarr.Array<'uint8', zarr.Mutable>;
  /** Finished blocks (skipped here and marked as they finish) and the slices' cached statistics. */
  ledger: BlockLedger;
  /** The predictor to run (openPredictor); a LoadedModel gets one for this call. */
  model: LoadedModel | Predictor;
  grid: BlockGrid;
  tta?: boolean;
  /** Largest tile edge; default the model's. */
  maxTile?: number;
}

export interface PredictBlocksResult {
  /** Blocks predicted by this call. */
  done: number[];
  /** Blocks already marked done, left alone. */
  skipped: number[];
  seconds: number;
}

/**
 * Predicts membranes block by block into a chunked store, resumably: for each block not marked
 * done, read it with its halo, normalise each slice with its whole slice's statistics (the same
 * for every block, see SliceStatistics), predict it tiled as predictVolume does over the haloed
 * slice, crop the halo, write the block's chunks durably, then mark it done. Every block is
 * computed from the input alone, so the bytes do not depend on which blocks ran before, in which
 * job, or whether a run was killed and resumed.
 */
export async function predictBlocks(options: PredictBlocksOptions): Promise<PredictBlocksResult> {
  if ('predictSlice' in options.model) return predictBlocksWith(options, options.model);
  const predictor = await openPredictor(options.model);
  try {
    return await predictBlocksWith(options, predictor);
  } finally {
    await predictor.dispose();
  }
}

async function predictBlocksWith(options: PredictBlocksOptions, model: Predictor): Promise<PredictBlocksResult> {
  const { grid, ledger, output } = options;
  const source = 'read' in options.input ? options.input : zarrSource(options.input);
  checkShapes(source, output, grid);
  const wanted = options.blocks ?? Array.from({ length: blockCount(grid) }, (_, k) => k);
  const run = await BlockRun.start('Predicting blocks', ledger, wanted, options.onProgress);
  const { todo } = run;
  const statistics = new SliceStatistics(source, ledger);
  const meta = model.meta;
  const tiling: PredictSliceOptions = { ...modelTiling(meta, options.maxTile), tta: options.tta };
  // A pool gets a block more than it has workers, so a worker that finishes finds tiles ready
  // (its parallelism counts two slices more than workers); one thread takes one block at a time.
  const inFlight = Math.max(1, model.parallelism - 1);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  let next = 0;
  let failure: unknown = null;
  const runner = async (): Promise<void> => {
    while (failure === null && next < todo.length) {
      if (stop.signal.aborted) throw cancelledError();
      const k = todo[next++]!;
      const block = blockAt(grid, k);
      const stats = await statistics.slab(block.z, stop.signal);
      await predictBlock(block, source, output, model, grid.halo, { ...tiling, signal: stop.signal }, stats);
      // Only after the chunks are durable: a kill before this line leaves the block unmarked.
      await ledger.markDone(k);
      options.onBlock?.(k);
      run.finish(k);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(inFlight, todo.length) }, () =>
        runner().catch((error: unknown) => {
          // A read cut short by the caller's cancel may fail in its own way; report the cancel.
          failure ??= options.signal?.aborted ? cancelledError() : error;
          stop.abort();
        }),
      ),
    );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== null) throw failure;
  return { done: run.done, skipped: run.skipped, seconds: run.seconds };
}

/** Reads, predicts and writes one block (not its marker); `stats[s]` normalises its slice s. */
export async function predictBlock(
  block: Block,
  source: VolumeSource,
  output: zarr.Array<'uint8', zarr.Mutable>,
  model: Predictor,
  halo: number,
  tiling: PredictSliceOptions,
  stats: readonly SliceStats[],
): Promise<void> {
  if (stats.length !== block.z[1] - block.z[0]) throw new Error(`Block ${block.index} has ${block.z[1] - block.z[0]} slices but statistics for ${stats.length} were given.`);
  // At the volume border the halo is the tile overlap, the mirrored padding predictSlice gives a
  // whole slice there, so border pixels match whole-slice prediction; inner halos may be wider.
  const haloed = await readHaloedBlock(source, block, halo, tiling.signal, Math.min(halo, tiling.overlap));
  const height = block.y[1] - block.y[0], width = block.x[1] - block.x[0];
  // When the haloed block fits one tile, the halo is the tile's context: tiling it with its own
  // overlap would mirror-pad it a second time (a 512² block with halo 32 run as 640², not 576²). Bigger blocks keep the overlap so their tiles blend without seams.
  const oneTile = haloed.width <= tiling.maxTile && haloed.height <= tiling.maxTile && halo >= tiling.overlap;
  const options: PredictSliceOptions = oneTile ? { ...tiling, overlap: 0 } : tiling;
  const out = new Uint8Array(haloed.depth * height * width);
  await Promise.all(
    haloed.slices.map(async (raw, s) => {
      // In place (the raw copy is this slice's own), with the whole slice's mean and deviation:
      // z-scoring over the block alone would shift each block differently and show its edges.
      normalizeSlice(raw, model.meta.normalization, raw, stats[s]!);
      const input = raw;
      const probability = await model.predictSlice(input, haloed.width, haloed.height, options);
      // Crop the halo: block pixel (r, c) is haloed pixel (r + top, c + left).
      for (let r = 0; r < height; r++) {
        const from = (r + haloed.top) * haloed.width + haloed.left;
        const to = (s * height + r) * width;
        for (let c = 0; c < width; c++) out[to + c] = Math.round(probability[from + c]! * 255);
      }
    }),
  );
  if (tiling.signal?.aborted) throw cancelledError();
  await zarr.set(output, [zarr.slice(block.z[0], block.z[1]), zarr.slice(block.y[0], block.y[1]), zarr.slice(block.x[0], block.x[1])], {
    data: out,
    shape: [haloed.depth, height, width],
    stride: [height * width, width, 1],
  });
}

function checkShapes(source: VolumeSource, output: zarr.Array<'uint8', zarr.Mutable>, grid: BlockGrid): void {
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(source.shape, grid.shape) || !same(output.shape, grid.shape)) {
    throw new Error(`Input [${source.shape.join(', ')}], output [${output.shape.join(', ')}] and block grid [${grid.shape.join(', ')}] must have the same shape.`);
  }
  if (grid.block.some((b, a) => b % output.chunks[a]! !== 0)) {
    throw new Error(`Blocks [${grid.block.join(', ')}] are not whole output chunks [${output.chunks.join(', ')}]: two blocks would write one chunk.`);
  }
}
