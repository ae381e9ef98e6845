import type { Progress } from '../../protocol/contract.js';
import type { Volume } from '../io/Volume.js';
import type { LoadedModel } from '../model/modelFolder.js';
import { normalizeSlice } from '../model/normalizeSlice.js';
import { modelTiling } from './modelForInference.js';
import { openPredictor } from './openPredictor.js';
import { sliceTiles, type PredictSliceOptions } from './predictSlice.js';
import type { Predictor } from './Predictor.js';

export interface PredictVolumeOptions {
  tta?: boolean;
  /** Largest tile edge; default from the model folder. */
  maxTile?: number;
  /**
   * TensorFlow.js worker threads when `model` is a LoadedModel and ONNX Runtime is not used
   * (default 1: this thread). To predict several volumes, open one Predictor and pass it.
   */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Called with each slice's bytes as soon as it is done (slices may finish out of order). */
  onSlice?: (z: number, probability: Uint8Array) => void | Promise<void>;
}

/**
 * Membrane probabilities for every slice of a volume (any size, any number of slices, 8/16-bit
 * or float), as uint8 with 255 = membrane, the ISBI convention. With a Predictor (openPredictor)
 * the model is reused; a LoadedModel gets a predictor for this call (ONNX Runtime on an export of
 * it, or TensorFlow.js where ORT cannot run). Slices are kept in flight as the predictor can use
 * them; the bytes are the same whatever the order.
 */
export async function predictVolume(volume: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>, model: LoadedModel | Predictor, options: PredictVolumeOptions = {}): Promise<Uint8Array> {
  if ('predictSlice' in model) return predictWith(volume, model, options);
  const predictor = await openPredictor(model, { tfjsWorkers: options.workers ?? 1 });
  try {
    return await predictWith(volume, predictor, options);
  } finally {
    await predictor.dispose();
  }
}

type VolumeLike = Parameters<typeof predictVolume>[0];

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

/** Probabilities in [0, 1] as bytes, 255 = membrane. */
export function probabilityBytes(probability: Float32Array, out = new Uint8Array(probability.length)): Uint8Array {
  for (let i = 0; i < probability.length; i++) out[i] = Math.round(probability[i]! * 255);
  return out;
}

/**
 * Keeps `predictor.parallelism` slices in flight, so a worker that finishes finds the next tiles
 * ready, while memory stays bounded by the number in flight, not the depth.
 */
async function predictWith(volume: VolumeLike, predictor: Predictor, options: PredictVolumeOptions): Promise<Uint8Array> {
  const { width, height, depth } = volume;
  const { meta } = predictor;
  // One signal for the caller's cancel and for a failed slice, so the predictor drops the rest.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  const tiling: PredictSliceOptions = { ...modelTiling(meta, options.maxTile), tta: options.tta, signal: stop.signal };
  const perSlice = sliceTiles(width, height, tiling).count;
  const report = progressReporter(perSlice * depth, depth, options.onProgress);
  const plane = width * height;
  const out = new Uint8Array(plane * depth);
  const inFlight = new Set<Promise<void>>();
  let tilesDone = 0;
  let failure: unknown = null;
  try {
    for (let z = 0; z < depth && failure === null; z++) {
      const input = normalizeSlice(volume.data.subarray(z * plane, (z + 1) * plane), meta.normalization);
      let sliceTilesDone = 0;
      const slice = predictor
        .predictSlice(input, width, height, {
          ...tiling,
          onTile: (done) => {
            tilesDone += done - sliceTilesDone;
            sliceTilesDone = done;
            report(z, tilesDone);
          },
        })
        .then(async (probability) => {
          const bytes = probabilityBytes(probability, out.subarray(z * plane, (z + 1) * plane));
          await options.onSlice?.(z, bytes);
        })
        .catch((error: unknown) => {
          failure ??= error;
          stop.abort();
        })
        .finally(() => inFlight.delete(slice));
      inFlight.add(slice);
      if (inFlight.size >= predictor.parallelism) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== null) throw failure;
  return out;
}
