import { CORRECTION_LABEL, toIsbiLabels, type SliceCorrection } from '../review/SliceCorrection.js';
import { evaluateSlices } from './evaluateSlices.js';
import { pixelScores, tallySlice, type BlockTally, type PixelScores } from './pixelTallies.js';

/**
 * A model judged on held-out labelled pixels: pixel-level figures always; the ISBI segment
 * scores only when every held-out slice is fully labelled (on strokes they mean little: two
 * strokes in one cell read as two cells).
 */
export interface HeldOutScores extends PixelScores {
  /** The slices scored, rising. */
  slices: number[];
  /** ISBI pixel error (1 − best F-score over thresholds), V_rand and V_info; null unless every scored slice is fully labelled. */
  pixel_error: number | null;
  v_rand: number | null;
  v_info: number | null;
}

/** One labelled slice with its prediction: 8-bit membrane probability (255 = membrane), row-major. */
export interface LabelledPrediction extends SliceCorrection {
  probability: Uint8Array;
}

/**
 * Scores predictions on their slices' labelled pixels (CORRECTION_LABEL values; 0 = not
 * scored): the scores, and the per-block tallies that compareTallies needs to tell two models
 * apart. Null when no pixel is labelled.
 */
export function scoreHeldOut(slices: readonly LabelledPrediction[], width: number, height: number): { scores: HeldOutScores; tallies: BlockTally[] } | null {
  const plane = width * height;
  const scored = slices.filter((s) => s.labels.some((v) => v !== CORRECTION_LABEL.unlabelled)).sort((a, b) => a.z - b.z);
  if (scored.length === 0) return null;
  const tallies = scored.flatMap((s) => tallySlice(s.z, s.probability, s.labels, width, height));
  const dense = scored.every((s) => s.labels.every((v) => v !== CORRECTION_LABEL.unlabelled));
  let isbi: { pixel_error: number; v_rand: number; v_info: number } | null = null;
  if (dense && scored.some((s) => s.labels.includes(CORRECTION_LABEL.cell))) {
    const probability = new Float32Array(plane * scored.length);
    const labels = new Uint8Array(plane * scored.length);
    scored.forEach((s, k) => {
      for (let i = 0; i < plane; i++) probability[k * plane + i] = s.probability[i]! / 255;
      toIsbiLabels(s.labels, labels.subarray(k * plane, (k + 1) * plane));
    });
    const result = evaluateSlices(probability, labels, width, height, scored.length);
    isbi = { pixel_error: result.pixel_error, v_rand: result.v_rand, v_info: result.v_info };
  }
  return {
    scores: { ...pixelScores(tallies), slices: scored.map((s) => s.z), pixel_error: isbi?.pixel_error ?? null, v_rand: isbi?.v_rand ?? null, v_info: isbi?.v_info ?? null },
    tallies,
  };
}
