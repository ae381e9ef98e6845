/**
 * F-score of a pixel classification from true positives, false positives and false negatives, with
 * the reference's conventions (Fiji ClassificationStatistics): precision is 1 without false
 * positives, recall is 1 without false negatives, and the F-score is 0 when both are 0. The ISBI
 * 2012 pixel error is 1 − the best F-score over the thresholds, cell pixels being the positives.
 */
export function pixelFScore(truePositives: number, falsePositives: number, falseNegatives: number): number {
  const precision = falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives);
  const recall = falseNegatives === 0 ? 1 : truePositives / (truePositives + falseNegatives);
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}
