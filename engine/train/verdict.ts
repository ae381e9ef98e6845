import { compareTallies } from '../metrics/pixelTallies.js';
import type { Judged } from './trainLoop.js';

/** Whether a trained model should replace the one it started from, and why, in plain words. */
export interface Verdict {
  better: boolean;
  /** Starting error − trained error on the held-out corrections (positive: fewer errors). */
  improvement: number | null;
  /** Standard error of `improvement` (paired bootstrap over held-out blocks). */
  noise: number | null;
  blocks: number;
  reason: string;
}

/** The verdict of a run that started from the model with its input contrast inverted says so first. */
export function withInversion(verdict: Verdict, inverted: boolean | undefined): Verdict {
  if (!inverted) return verdict;
  return { ...verdict, reason: `These images have the contrast inverted from what the model knew (bright membranes), so training started from the model with its contrast flipped. ${verdict.reason}` };
}

/** How many standard errors an improvement must exceed to count. */
export const NOISE_MULTIPLE = 2;

const percent = (v: number): string => `${(100 * v).toFixed(1)}%`;
const points = (v: number): string => `${(100 * Math.abs(v)).toFixed(1)} points`;

/**
 * The trained model is better when its error on the held-out corrections (membrane and cell
 * pixels weighed equally) is lower than the starting model's by more than NOISE_MULTIPLE
 * standard errors of the difference, estimated by resampling held-out blocks (64² tiles) with
 * both models on the same blocks. A near tie keeps the model that is known.
 */
export function judgeVerdict(start: Judged | null, trained: Judged | null): Verdict {
  if (!start) return { better: false, improvement: null, noise: null, blocks: 0, reason: 'No corrections were held out to judge it by, so it was not compared with the model it started from.' };
  if (!trained) return { better: false, improvement: null, noise: null, blocks: start.tallies.length, reason: 'Training stopped before any step could be judged.' };
  const { improvement, noise, blocks } = compareTallies(start.tallies, trained.tallies);
  const figures = `error on held-out corrections ${percent(start.scores.error)} → ${percent(trained.scores.error)}`;
  if (blocks < 2) return { better: false, improvement, noise: null, blocks, reason: `Only ${blocks} held-out tile of 64² has corrections, too few to tell the models apart (${figures}). Correct more, or hold out a slice.` };
  if (improvement > NOISE_MULTIPLE * noise && improvement > 0) {
    return { better: true, improvement, noise, blocks, reason: `Fewer errors: ${figures}, better by ${points(improvement)}, more than ${NOISE_MULTIPLE}× the noise (±${points(noise)} over ${blocks} tiles).` };
  }
  if (improvement < 0) return { better: false, improvement, noise, blocks, reason: `More errors: ${figures} (noise ±${points(noise)} over ${blocks} tiles).` };
  return { better: false, improvement, noise, blocks, reason: `Not clearly better: ${figures}; the gain (${points(improvement)}) is within ${NOISE_MULTIPLE}× the noise (±${points(noise)} over ${blocks} tiles).` };
}
