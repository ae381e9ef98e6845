import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Progress } from '../../protocol/contract.js';
import type { LoadedModel, ModelMeta } from '../model/modelFolder.js';
import { modelTiling } from '../predict/modelForInference.js';
import { openPredictor } from '../predict/openPredictor.js';
import type { ProviderInfo } from '../predict/executionProviders.js';
import type { Predictor } from '../predict/Predictor.js';
import { blockCount, blockGrid, blocksForShare } from './blockGrid.js';
import { buildPyramidOnce } from './buildPyramidOnce.js';
import { BlockLedger } from './BlockLedger.js';
import { createPredictionStore } from './createPredictionStore.js';
import { openOmeLevelZero } from './openOmeLevelZero.js';
import { predictBlocks, type PredictBlocksResult } from './predictBlocks.js';
import { SLICE_STATISTICS_METHOD } from './SliceStatistics.js';

export interface PredictOmeZarrOptions {
  input: string;
  output: string;
  /** This job's share i of N (default 0 of 1: every block). */
  share?: number;
  shares?: number;
  /** A model folder, a loaded model, or an open predictor (kept open). */
  model: string | LoadedModel | Predictor;
  /** ONNX Runtime CPU threads (default all cores) when `model` is not a predictor. */
  threads?: number;
  /** TensorFlow.js fallback only: worker threads when `model` is not a predictor (1: this thread). */
  workers?: number;
  tta?: boolean;
  maxTile?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export { isZarrStore } from './isZarrStore.js';

/**
 * `membrana predict in.ome.zarr -o out.ome.zarr [--blocks i/N]`: opens level 0 of the input,
 * opens or creates the output (safe when several jobs start at once), and predicts the blocks of
 * this share that are not yet done. Returns when the share is done.
 */
export async function predictOmeZarr(options: PredictOmeZarrOptions): Promise<PredictBlocksResult & { blocks: number; pyramidBuilt: boolean; provider: ProviderInfo }> {
  const input = await openOmeLevelZero(options.input);
  const given = options.model;
  const owned = typeof given === 'string' || !('predictSlice' in given) ? await openPredictor(given, { threads: options.threads, tfjsWorkers: options.workers ?? 1 }) : null;
  const model = owned ?? (given as Predictor);
  try {
    const meta = model.meta;
    const maxTile = options.maxTile ?? meta.tile.size;
    const grid = blockGrid(input.array.shape, input.array.chunks, { halo: blockHalo(meta) });
    const settings = { shape: grid.shape, chunks: input.array.chunks, block: grid.block, halo: grid.halo, model: path.basename(model.dir), tta: options.tta === true, maxTile, normalization: SLICE_STATISTICS_METHOD };
    const name = `Membrana membrane probability (255 = membrane) of ${path.basename(input.store)}`;
    const output = await createPredictionStore(options.output, settings, input.multiscale, name);
    const blocks = blocksForShare(grid, options.share ?? 0, options.shares ?? 1);
    const ledger = new BlockLedger(path.resolve(options.output));
    const result = await predictBlocks({ input: input.array, output, ledger, model, grid, blocks, tta: options.tta, maxTile, signal: options.signal, onProgress: options.onProgress });
    const pyramidBuilt = await buildPredictionPyramid(path.resolve(options.output), ledger, blockCount(grid), options);
    return { ...result, blocks: blocks.length, pyramidBuilt, provider: model.provider };
  } finally {
    await owned?.dispose();
  }
}

/**
 * Once every block of the store is done (whichever share finishes last), levels 1… are built
 * from level 0 as 2×2 means, chunk by chunk, and a marker says so. Two shares finishing at once
 * may both build them: the bytes are the same. False while blocks are missing.
 */
async function buildPredictionPyramid(folder: string, ledger: BlockLedger, blocks: number, options: PredictOmeZarrOptions): Promise<boolean> {
  const marker = path.join(ledger.folder, PYRAMID_MARKER);
  if (existsSync(marker)) return true;
  if ((await ledger.done()).size < blocks) return false;
  await buildPyramidOnce(folder, marker, { signal: options.signal, onProgress: options.onProgress });
  return true;
}

/** In the ledger folder: the coarser levels are built (not named like a block's `<k>.done`). */
const PYRAMID_MARKER = 'pyramid.built';

/**
 * The halo blocks are read with: the model's tile overlap plus a quarter, rounded up to the
 * network's size multiple (shipped model: 32 → 40 px). With the overlap alone, a pixel at a block
 * edge is predicted with just the context a tile's full-weight pixels get, where whole-slice
 * prediction would average two tiles; on ISBI slices that left a faint seam (neighbours across
 * block borders 1.9 of 255 further apart than the same pixels predicted whole). The extra
 * quarter removes it for about 6% more work on 512-px blocks.
 */
export function blockHalo(meta: Pick<ModelMeta, 'tile' | 'architecture'>): number {
  const { multiple } = modelTiling(meta);
  return Math.ceil((meta.tile.overlap * 1.25) / multiple) * multiple;
}
