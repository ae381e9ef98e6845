import type { Volume } from '../io/Volume.js';
import type { LoadedModel } from '../model/modelFolder.js';
import { CORRECTION_LABEL, type SliceCorrection } from '../review/SliceCorrection.js';
import { HELD_OUT_GUARD, type HeldOutSplit } from './heldOutSplit.js';
import { predictSlicesOf } from './predictSlicesOf.js';

export interface ReviewedContextOptions {
  /** Pixels within this distance (Chebyshev, px) of a correction count as seen by the expert. */
  radius: number;
  /** 8-bit probabilities at or below this are confirmed cell; at or above 255 − this, membrane; between, left unlabelled. */
  confident: number;
}

/** 32 px around a stroke (a few membrane widths), and only predictions the model was sure of (≤ 0.25 or ≥ 0.75). */
export const REVIEWED_CONTEXT: ReviewedContextOptions = { radius: 32, confident: 64 };

/** The options for a radius given by a person (`--context N`): 0 turns the context off (null). */
export function reviewedContextOfRadius(radius: number): ReviewedContextOptions | null {
  return radius === 0 ? null : { ...REVIEWED_CONTEXT, radius };
}

/**
 * People correct a prediction only where it is wrong: around a correction, the expert looked at
 * the prediction and left the rest standing. This fills the unlabelled pixels within `radius`
 * of a correction with the starting model's own confident prediction there (Cellpose 2.0's
 * "corrected prediction" as the label), so that fine-tuning learns the fix without un-learning
 * what the expert saw was right (new specks of membrane inside cells, gaps beside a fixed
 * stroke). Slices without corrections, and pixels the expert labelled, are left as they are; a
 * fully labelled slice is unchanged.
 *
 * The context is for training only, never for judging: the starting model is right on it by
 * construction, so a held-out set holding it favours the start whatever training did (measured:
 * a fine-tune that raised V_rand on uncorrected slices from 0.953 to 0.960 read as 10.8% → 11.6%
 * held-out error with the context judged). Add it after splitHeldOut, to the training share,
 * with `keepOut` (per slice, 1 = no context here: the held-out tiles and their guard band).
 *
 * `predictions`: the starting model's 8-bit membrane probability per corrected slice (255 = membrane).
 */
export function withReviewedContext(
  corrections: readonly SliceCorrection[],
  predictions: ReadonlyMap<number, Uint8Array>,
  width: number,
  height: number,
  options: ReviewedContextOptions = REVIEWED_CONTEXT,
  keepOut?: ReadonlyMap<number, Uint8Array>,
): SliceCorrection[] {
  return corrections.map((c) => {
    const probability = predictions.get(c.z);
    if (!probability || !c.labels.includes(CORRECTION_LABEL.unlabelled)) return c;
    if (probability.length !== width * height) throw new RangeError(`The prediction of slice ${c.z} holds ${probability.length} pixels, not ${width} × ${height}.`);
    const near = dilate(c.labels, width, height, options.radius);
    const labels = c.labels.slice();
    const out = keepOut?.get(c.z);
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== CORRECTION_LABEL.unlabelled || !near[i] || out?.[i]) continue;
      const p = probability[i]!;
      if (p <= options.confident) labels[i] = CORRECTION_LABEL.cell;
      else if (p >= 255 - options.confident) labels[i] = CORRECTION_LABEL.membrane;
    }
    return { z: c.z, labels };
  });
}

/**
 * The training share of a held-out split with the reviewed context added (withReviewedContext),
 * from the starting model's predictions of the sparsely corrected slices; no context lands in a
 * held-out tile or within `guard` pixels of a held-out pixel, so judging stays on what the expert
 * painted.
 */
export async function addReviewedContext(
  start: LoadedModel,
  images: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>,
  split: Pick<HeldOutSplit, 'train' | 'heldOut'>,
  context: ReviewedContextOptions,
  workers: number,
  options: { guard?: number; signal?: AbortSignal } = {},
): Promise<SliceCorrection[]> {
  const { train, heldOut } = split;
  const sparse = train.filter((c) => c.labels.includes(CORRECTION_LABEL.unlabelled) && c.labels.some((v) => v !== CORRECTION_LABEL.unlabelled)).map((c) => c.z);
  if (sparse.length === 0) return [...train];
  const predicted = await predictSlicesOf(start, images, sparse, { workers, signal: options.signal });
  const guard = options.guard ?? HELD_OUT_GUARD;
  const keepOut = new Map(heldOut.filter((h) => sparse.includes(h.z)).map((h) => [h.z, dilate(h.labels, images.width, images.height, guard)]));
  return withReviewedContext(train, new Map(sparse.map((z, k) => [z, predicted[k]!])), images.width, images.height, context, keepOut);
}

/** Whether each pixel lies within `radius` (Chebyshev) of a labelled one: a square dilation, rows then columns, by running counts. */
function dilate(labels: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const rows = new Uint8Array(labels.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let count = 0;
    for (let x = 0; x < Math.min(radius, width); x++) if (labels[row + x]) count++;
    for (let x = 0; x < width; x++) {
      if (x + radius < width && labels[row + x + radius]) count++;
      if (x - radius - 1 >= 0 && labels[row + x - radius - 1]) count--;
      rows[row + x] = count > 0 ? 1 : 0;
    }
  }
  const out = new Uint8Array(labels.length);
  for (let x = 0; x < width; x++) {
    let count = 0;
    for (let y = 0; y < Math.min(radius, height); y++) count += rows[y * width + x]!;
    for (let y = 0; y < height; y++) {
      if (y + radius < height) count += rows[(y + radius) * width + x]!;
      if (y - radius - 1 >= 0) count -= rows[(y - radius - 1) * width + x]!;
      out[y * width + x] = count > 0 ? 1 : 0;
    }
  }
  return out;
}
