import type { ContingencyTable } from './ContingencyTable.js';
import { contingencyTable } from './ContingencyTable.js';

/** Foreground-restricted Rand scores (1 = perfect); split and merge are its recall and precision. */
export interface RandScores {
  /** Rand F-score: 2 Σp² / (Σs² + Σt²), the harmonic mean of split and merge. */
  vRand: number;
  /** Σp² / Σt²: below 1 when the prediction splits ground-truth segments. */
  vRandSplit: number;
  /** Σp² / Σs²: below 1 when the prediction merges ground-truth segments. */
  vRandMerge: number;
}

/**
 * The sums behind the Rand scores, in pixel counts squared (n² × the probabilities' sums), so that
 * slices can be pooled by adding them.
 */
export interface RandSums {
  /** Σ_ij n_ij² + singletons: pixel pairs in the same predicted and the same true segment. */
  joint: number;
  /** Σ_j t_j²: pairs in the same ground-truth segment. */
  truth: number;
  /** Σ_i s_i² + singletons: pairs in the same predicted segment. */
  predicted: number;
}

/**
 * Foreground-restricted Rand scores of a predicted segmentation against ground truth, as in the
 * ISBI 2012 challenge (Arganda-Carreras et al. 2015, eq. 3-5; Fiji RandError, N² normalisation):
 * only pixels with truth > 0 count (and, when given, foreground[i] !== 0); predicted border
 * pixels (0) among them count as singletons, each its own segment. Labels are segment ids.
 */
export function randScores(predicted: Int32Array, truth: Int32Array, foreground?: Uint8Array): RandScores {
  return randScoresFromSums(randSums(contingencyTable(predicted, truth, foreground)));
}

/** The Rand sums of a contingency table (exact: integers below 2^53 for any image that fits in memory). */
export function randSums(table: ContingencyTable): RandSums {
  let joint = table.singletons;
  for (const count of table.pairCounts) joint += count * count;
  let truth = 0;
  for (const size of table.truthSizes) truth += size * size;
  let predicted = table.singletons;
  for (const size of table.predictedSizes) predicted += size * size;
  return { joint, truth, predicted };
}

/** Rand scores from (possibly pooled) sums; 1 when nothing was scored (no ground-truth cell pixel). */
export function randScoresFromSums(sums: RandSums): RandScores {
  if (sums.truth === 0) return { vRand: 1, vRandSplit: 1, vRandMerge: 1 };
  const split = sums.joint / sums.truth;
  const merge = sums.joint / sums.predicted;
  return { vRand: (2 * split * merge) / (split + merge), vRandSplit: split, vRandMerge: merge };
}
