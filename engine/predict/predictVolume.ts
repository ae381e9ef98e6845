import type { Progress } from '../../protocol/contract.js';
import type { Volume } from '../io/Volume.js';
import { sizeMultiple } from '../model/buildUnet.js';
import type { LoadedModel } from '../model/modelFolder.js';
import { normalizeSlice } from '../model/normalizeSlice.js';
import { PredictionPool } from './PredictionPool.js';
import { predictSlice, sliceTiles } from './predictSlice.js';

export interface PredictVolumeOptions {
  tta?: boolean;
  /** Largest tile edge; default from the model folder. */
  maxTile?: number;
  /**
   * Worker threads to start for this call when `model` is a LoadedModel (default 1: this
   * thread). To predict several volumes, start one PredictionPool and pass it as `model`.
   */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/**
 * Membrane probabilities for every slice of a volume (any size, any number of slices, 8/16-bit
 * or float), as uint8 with 255 = membrane, the ISBI convention. With a PredictionPool (or
 * `workers` > 1) slices and tiles run on worker threads; the bytes are the same either way.
 */
export async function predictVolume(
  volume: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>,
  model: LoadedModel | PredictionPool,
  options: PredictVolumeOptions = {},
): Promise<Uint8Array> {
  if (model instanceof PredictionPool) return predictOnPool(volume, model, options);
  const workers = options.workers ?? 1;
  if (workers <= 1) return predictHere(volume, model, options);
  const pool = await PredictionPool.start(model, workers);
  try {
    return await predictOnPool(volume, pool, options);
  } finally {
    await pool.dispose();
  }
}

type VolumeLike = Parameters<typeof predictVolume>[0];

function sliceOptions(meta: LoadedModel['meta'], options: PredictVolumeOptions): { maxTile: number; overlap: number; multiple: number; tta?: boolean; signal?: AbortSignal } {
  return { maxTile: options.maxTile ?? meta.tile.size, overlap: meta.tile.overlap, multiple: sizeMultiple(meta.architecture), tta: options.tta, signal: options.signal };
}

/** Progress over the whole volume, from tiles done, with an ETA. */
function progressReporter(total: number, depth: number, onProgress: PredictVolumeOptions['onProgress']): (z: number, finished: number) => void {
  const started = Date.now();
  return (z, finished) => {
    const elapsed = (Date.now() - started) / 1000;
    onProgress?.({
      stage: `Predicting membranes, slice ${z + 1} of ${depth}`,
      fraction: finished / total,
      ...(finished > 0 ? { etaSeconds: (elapsed / finished) * (total - finished) } : {}),
    });
  };
}

function storeSlice(out: Uint8Array, z: number, probability: Float32Array): void {
  const base = z * probability.length;
  for (let i = 0; i < probability.length; i++) out[base + i] = Math.round(probability[i]! * 255);
}

async function predictHere(volume: VolumeLike, loaded: LoadedModel, options: PredictVolumeOptions): Promise<Uint8Array> {
  const { width, height, depth } = volume;
  const { meta, model } = loaded;
  const tiling = sliceOptions(meta, options);
  const perSlice = sliceTiles(width, height, tiling).count;
  const report = progressReporter(perSlice * depth, depth, options.onProgress);
  const out = new Uint8Array(width * height * depth);
  const input = new Float32Array(width * height);
  for (let z = 0; z < depth; z++) {
    normalizeSlice(volume.data.subarray(z * width * height, (z + 1) * width * height), meta.normalization, input);
    const probability = await predictSlice(model, input, width, height, { ...tiling, onTile: (done) => report(z, z * perSlice + done) });
    storeSlice(out, z, probability);
  }
  return out;
}

/**
 * Keeps a few more slices in flight than there are workers, so a worker that finishes finds
 * the next tiles ready, while memory stays bounded by the number in flight, not the depth.
 */
async function predictOnPool(volume: VolumeLike, pool: PredictionPool, options: PredictVolumeOptions): Promise<Uint8Array> {
  const { width, height, depth } = volume;
  const { meta } = pool;
  // One signal for the caller's cancel and for a failed slice, so the pool drops the rest.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  const tiling = { ...sliceOptions(meta, options), signal: stop.signal };
  const perSlice = sliceTiles(width, height, tiling).count;
  const report = progressReporter(perSlice * depth, depth, options.onProgress);
  const out = new Uint8Array(width * height * depth);
  const inFlight = new Set<Promise<void>>();
  let tilesDone = 0;
  let failure: unknown = null;
  try {
    for (let z = 0; z < depth && failure === null; z++) {
      const input = normalizeSlice(volume.data.subarray(z * width * height, (z + 1) * width * height), meta.normalization);
      let sliceTilesDone = 0;
      const slice = pool
        .predictSlice(input, width, height, {
          ...tiling,
          onTile: (done) => {
            tilesDone += done - sliceTilesDone;
            sliceTilesDone = done;
            report(z, tilesDone);
          },
        })
        .then(
          (probability) => storeSlice(out, z, probability),
          (error: unknown) => {
            failure ??= error;
            stop.abort();
          },
        )
        .finally(() => inFlight.delete(slice));
      inFlight.add(slice);
      if (inFlight.size >= pool.size + 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== null) throw failure;
  return out;
}
