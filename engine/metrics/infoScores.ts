import type { ContingencyTable } from './ContingencyTable.js';
import { contingencyTable } from './ContingencyTable.js';

/** Foreground-restricted information-theoretic scores (1 = perfect). */
export interface InfoScores {
  /** 2 I(S;T) / (H(S) + H(T)), the harmonic mean of split and merge. */
  vInfo: number;
  /** I(S;T) / H(S): below 1 when the prediction S splits ground-truth segments. */
  vInfoSplit: number;
  /** I(S;T) / H(T): below 1 when the prediction merges ground-truth segments T. */
  vInfoMerge: number;
}

/**
 * Foreground-restricted information-theoretic scores of a predicted segmentation against ground
 * truth, as in the ISBI 2012 challenge (Arganda-Carreras et al. 2015, eq. 6-8; Fiji
 * VariationOfInformation.foregroundRestrictedFscore): only pixels with truth > 0 count (and, when
 * given, foreground[i] !== 0); predicted border pixels (0) among them are singletons.
 */
export function infoScores(predicted: Int32Array, truth: Int32Array, foreground?: Uint8Array): InfoScores {
  return infoScoresOf(contingencyTable(predicted, truth, foreground));
}

/**
 * Information scores of a contingency table. Conventions of the reference: when the ground truth
 * is a single segment (H(T) = 0) the score is 0 (split 1, merge 0); when the prediction is
 * (H(S) = 0), also 0 (split 0, merge 1), even if both are one and the same segment. A prediction
 * that shares no information (I = 0; the reference divides 0 by 0 there) scores 0. With nothing
 * scored (no ground-truth cell pixel) all scores are 1.
 */
export function infoScoresOf(table: ContingencyTable): InfoScores {
  const { n, singletons } = table;
  if (n === 0) return { vInfo: 1, vInfoSplit: 1, vInfoMerge: 1 };
  // Σ p log p over the joint and both marginals; each singleton adds (1/n) log(1/n).
  const singletonTerm = (singletons / n) * Math.log(1 / n);
  const joint = sumPLogP(table.pairCounts, n) + singletonTerm;
  const truth = sumPLogP(table.truthSizes, n);
  const predicted = sumPLogP(table.predictedSizes, n) + singletonTerm;
  const truthEntropy = -truth;
  const predictedEntropy = -predicted;
  // I(S;T) = H(S) + H(T) − H(S,T); it cannot exceed either entropy (clamp rounding).
  const information = Math.max(0, truthEntropy + predictedEntropy + joint);
  let split = predictedEntropy > 0 ? Math.min(1, information / predictedEntropy) : 0;
  let merge = truthEntropy > 0 ? Math.min(1, information / truthEntropy) : 0;
  // The reference's special cases, in its order (the second wins when both entropies are 0).
  if (truthEntropy === 0) [split, merge] = [1, 0];
  if (predictedEntropy === 0) [split, merge] = [0, 1];
  const vInfo = split + merge > 0 ? (2 * split * merge) / (split + merge) : 0;
  return { vInfo, vInfoSplit: split, vInfoMerge: merge };
}

function sumPLogP(counts: Float64Array, n: number): number {
  let sum = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / n;
    sum += p * Math.log(p);
  }
  return sum;
}
