import type { Volume, VoxelArray } from '../io/Volume.js';
import type { LoadedModel } from '../model/modelFolder.js';
import type { PredictionPool } from '../predict/PredictionPool.js';
import { predictVolume } from '../predict/predictVolume.js';
import { CORRECTION_LABEL, checkCorrections, labelledPixelCount, toIsbiLabels, type SliceCorrection } from '../review/SliceCorrection.js';
import { evaluateSlices } from './evaluateSlices.js';

/** The ISBI scores of a prediction on the pixels an expert labelled (see evaluateSlices' `labelled`). */
export interface CorrectionScores {
  pixel_error: number;
  v_rand: number;
  v_info: number;
  /** Labelled pixels scored, all slices together. */
  labelled_pixels: number;
  /** The slices scored (those with a labelled pixel), rising. */
  slices: number[];
}

/** One corrected slice with its stored prediction: membrane probability 0-255 (255 = membrane), row-major. */
export interface CorrectedPrediction extends SliceCorrection {
  probability: Uint8Array;
}

export interface EvaluateCorrectionsOptions {
  signal?: AbortSignal;
  /** Worker threads to predict on when `model` is a LoadedModel (default 1: this thread). */
  workers?: number;
}

/**
 * Predicts the corrected slices of `images` with `model` (as predictVolume does, so the
 * 8-bit probabilities the app stores) and scores them against the corrections: only labelled
 * pixels count, membrane strokes as ISBI membrane, cell strokes as cell. Null when the
 * corrections hold no labelled cell pixel: V_rand and V_info need a ground-truth cell.
 * An aborted `signal` rejects with code 'CANCELLED'.
 */
export async function evaluateCorrections(
  model: LoadedModel | PredictionPool,
  images: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>,
  corrections: readonly SliceCorrection[],
  options: EvaluateCorrectionsOptions = {},
): Promise<CorrectionScores | null> {
  const { width, height, depth } = images;
  checkCorrections(corrections, width, height, depth);
  const scored = scoredCorrections(corrections);
  if (!hasCell(scored)) return null;
  // Only the corrected slices are predicted: a stack of just those.
  const plane = width * height;
  const data = new (images.data.constructor as new (length: number) => VoxelArray)(plane * scored.length);
  scored.forEach(({ z }, i) => data.set(images.data.subarray(z * plane, (z + 1) * plane), i * plane));
  const predicted = await predictVolume({ width, height, depth: scored.length, data }, model, { signal: options.signal, workers: options.workers });
  return evaluateProbabilities(
    scored.map((correction, i) => ({ ...correction, probability: predicted.subarray(i * plane, (i + 1) * plane) })),
    width,
    height,
  );
}

/**
 * evaluateCorrections for slices already predicted (the app's stored predictions), each with its
 * correction. Synchronous; null when no cell pixel is labelled.
 */
export function evaluateProbabilities(slices: readonly CorrectedPrediction[], width: number, height: number): CorrectionScores | null {
  checkCorrections(slices, width, height, Infinity);
  const scored = scoredCorrections(slices);
  if (!hasCell(scored)) return null;
  const plane = width * height;
  const probability = new Float32Array(plane * scored.length);
  const labels = new Uint8Array(plane * scored.length);
  const labelled = new Uint8Array(plane * scored.length);
  let labelledPixels = 0;
  for (const [i, slice] of scored.entries()) {
    if (slice.probability.length !== plane) {
      throw new RangeError(`The prediction of slice ${slice.z} holds ${slice.probability.length} pixels, but the slices are ${width} × ${height} = ${plane}.`);
    }
    for (let j = 0; j < plane; j++) probability[i * plane + j] = slice.probability[j]! / 255;
    toIsbiLabels(slice.labels, labels.subarray(i * plane, (i + 1) * plane));
    labelled.set(slice.labels, i * plane);
    labelledPixels += labelledPixelCount(slice.labels);
  }
  const result = evaluateSlices(probability, labels, width, height, scored.length, { labelled });
  return { pixel_error: result.pixel_error, v_rand: result.v_rand, v_info: result.v_info, labelled_pixels: labelledPixels, slices: scored.map((c) => c.z) };
}

/** The corrections with a labelled pixel, by slice. */
function scoredCorrections<T extends SliceCorrection>(corrections: readonly T[]): T[] {
  return corrections.filter((c) => labelledPixelCount(c.labels) > 0).sort((a, b) => a.z - b.z);
}

function hasCell(corrections: readonly SliceCorrection[]): boolean {
  return corrections.some((c) => c.labels.includes(CORRECTION_LABEL.cell));
}
