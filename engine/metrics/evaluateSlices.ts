import { contingencyTable } from './ContingencyTable.js';
import { connectedComponents4 } from './connectedComponents4.js';
import type { InfoScores } from './infoScores.js';
import { infoScoresOf } from './infoScores.js';
import { ISBI_THRESHOLDS } from './isbiThresholds.js';
import { pixelFScore } from './pixelFScore.js';
import type { RandSums } from './randScores.js';
import { randScoresFromSums, randSums } from './randScores.js';
import { thinBorders } from './thinBorders.js';

/** Scores of the whole stack at one threshold. */
export interface ThresholdScores {
  /** Membrane-probability threshold t: pixels below it are cell (see isCell for the exact rule). */
  threshold: number;
  v_rand: number;
  v_rand_split: number;
  v_rand_merge: number;
  v_info: number;
  v_info_split: number;
  v_info_merge: number;
  /** 1 − F-score of the cell/membrane pixel classification at this threshold. */
  pixel_error: number;
}

/** The ISBI 2012 scores of a predicted membrane-probability stack against binary labels. */
export interface EvaluationResult {
  /** Leaderboard pixel error: 1 − the best F-score over the thresholds of the pixel classification (cell = positive). */
  pixel_error: number;
  pixel_error_threshold: number;
  /** Fraction of all pixels (of the labelled ones, with `labelled`) whose class (cell below t = 0.5) differs from the labels. */
  pixel_disagreement: number;
  /** Best foreground-restricted Rand F-score after border thinning (V_rand, leaderboard's main score). */
  v_rand: number;
  v_rand_threshold: number;
  /** Best foreground-restricted information-theoretic score after border thinning (V_info). */
  v_info: number;
  v_info_threshold: number;
  /** Every threshold, t rising from 0 to 1. */
  per_threshold: ThresholdScores[];
  /** Slices with ground-truth cell pixels: only these enter V_rand and V_info. */
  slices_scored: number;
}

export interface EvaluateSlicesOptions {
  /**
   * How per-slice Rand scores make the stack's: 'mean' (default) averages each slice's split,
   * merge and F-score; 'pooled' adds the slices' pair counts first (larger slices weigh more).
   * V_info is always the mean over slices, as in the reference.
   */
  randAggregation?: 'mean' | 'pooled';
  /**
   * Which pixels carry a label (z-major like `labels`; nonzero = labelled), for sparse labels such
   * as an expert's correction strokes. Only labelled pixels count: the pixel error and
   * disagreement count only them, and the ground-truth cells are the 4-connected components of
   * labelled cell pixels, so V_rand and V_info are restricted to those; unlabelled pixels are left
   * out as ground-truth membrane is. The prediction is still segmented and thinned over the whole
   * slice: a gap in a predicted membrane outside the strokes still merges the cells it joins.
   */
  labelled?: Uint8Array;
  signal?: AbortSignal;
  /** Called after each slice. */
  onProgress?: (slicesDone: number, depth: number) => void;
}

/** Per-slice scores at one threshold, kept to reuse when the next threshold changes no pixel. */
interface SliceScores {
  rand: RandSums;
  info: InfoScores;
}

/**
 * Evaluates a stack as the ISBI 2012 challenge does (Arganda-Carreras et al. 2015; Fiji
 * "Segmentation evaluation after border thinning"). `probability` is the membrane probability
 * (0-1, 1 = membrane), `labels` the binary ground truth (ISBI: 0 = membrane, 255 = cell; > 127 is
 * cell), both z-major then row-major, `width × height × depth`. For each of 11 thresholds, per
 * slice: cell pixels → 4-connected segments → borders thinned to one-pixel lines (thinBorders) →
 * foreground-restricted Rand and information scores against the ground truth's 4-connected cells.
 * The per-slice scores are averaged over the slices that have ground-truth cells (see
 * randAggregation); the best threshold is reported for each score (ties go to the reference's
 * first, i.e. the highest t). Pure and synchronous; conventions and references in README.md.
 */
export function evaluateSlices(
  probability: Float32Array,
  labels: Uint8Array,
  width: number,
  height: number,
  depth: number,
  options: EvaluateSlicesOptions = {},
): EvaluationResult {
  checkInputs(probability, labels, width, height, depth, options.labelled);
  const labelled = options.labelled;
  const pooled = options.randAggregation === 'pooled';
  const pixels = width * height;
  const steps = ISBI_THRESHOLDS.length;
  const half = ISBI_THRESHOLDS.findIndex((step) => step.threshold === 0.5);

  // Stack totals per threshold.
  const truePositives = new Float64Array(steps);
  const falsePositives = new Float64Array(steps);
  const falseNegatives = new Float64Array(steps);
  const randPooled = Array.from({ length: steps }, () => ({ joint: 0, truth: 0, predicted: 0 }));
  const randMean = Array.from({ length: steps }, () => ({ vRand: 0, vRandSplit: 0, vRandMerge: 0 }));
  const infoMean = Array.from({ length: steps }, () => ({ vInfo: 0, vInfoSplit: 0, vInfoMerge: 0 }));
  let scored = 0;

  const cellThresholds = Float64Array.from(ISBI_THRESHOLDS, (step) => step.cellThreshold);
  const truthMask = new Uint8Array(pixels);
  // Per pixel, how many steps (from the first) it is cell at: cell at step k when level > k.
  const level = new Uint8Array(pixels);
  // Per level, pixels that are cell (index 0) or membrane (1) in the labels.
  const histogram = new Float64Array(2 * (steps + 1));
  // Per level, all pixels, labelled or not: any pixel changing class can change the segments.
  const levelCounts = new Float64Array(steps + 1);
  let labelledPixels = 0;
  for (let z = 0; z < depth; z++) {
    options.signal?.throwIfAborted();
    const offset = z * pixels;
    histogram.fill(0);
    levelCounts.fill(0);
    for (let i = 0; i < pixels; i++) {
      const isLabelled = labelled === undefined || labelled[offset + i] !== 0;
      const isTruthCell = isLabelled && labels[offset + i]! > 127 ? 1 : 0;
      truthMask[i] = isTruthCell;
      // The 32-bit cell probability a challenge submission would hold (see isCell).
      const cellProbability = Math.fround(1 - probability[offset + i]!);
      let l = 0;
      while (l < steps && cellProbability > cellThresholds[l]!) l++;
      level[i] = l;
      levelCounts[l]!++;
      if (isLabelled) {
        histogram[2 * l + 1 - isTruthCell]!++;
        labelledPixels++;
      }
    }
    const truth = connectedComponents4(truthMask, width, height);
    const hasCells = truth.count > 0;
    if (hasCells) scored++;

    let previous: SliceScores | undefined;
    // Pixel classification counts at step k: cells are the pixels of level > k.
    let tp = 0;
    let fp = 0;
    let truthCells = 0;
    for (let l = 0; l <= steps; l++) truthCells += histogram[2 * l]!;
    for (let k = steps - 1; k >= 0; k--) {
      tp += histogram[2 * (k + 1)]!;
      fp += histogram[2 * (k + 1) + 1]!;
      truePositives[k]! += tp;
      falsePositives[k]! += fp;
      falseNegatives[k]! += truthCells - tp;
    }
    if (hasCells) {
      for (let k = 0; k < steps; k++) {
        // Cell sets shrink from step to step: where no pixel has level k, step k equals step k − 1.
        if (!previous || levelCounts[k]! > 0) {
          const predicted = thinBorders(connectedComponents4(level, width, height, k).labels, width, height);
          const table = contingencyTable(predicted, truth.labels);
          previous = { rand: randSums(table), info: infoScoresOf(table) };
        }
        const { rand, info } = previous;
        const total = randPooled[k]!;
        total.joint += rand.joint;
        total.truth += rand.truth;
        total.predicted += rand.predicted;
        const slice = randScoresFromSums(rand);
        const mean = randMean[k]!;
        mean.vRand += slice.vRand;
        mean.vRandSplit += slice.vRandSplit;
        mean.vRandMerge += slice.vRandMerge;
        const infoTotal = infoMean[k]!;
        infoTotal.vInfo += info.vInfo;
        infoTotal.vInfoSplit += info.vInfoSplit;
        infoTotal.vInfoMerge += info.vInfoMerge;
      }
    }
    options.onProgress?.(z + 1, depth);
  }
  if (scored === 0) {
    throw new RangeError(
      `evaluateSlices: none of the ${depth} label slices has a ${labelled ? 'labelled ' : ''}cell pixel (value > 127), so there is nothing to score; ISBI labels use 0 = membrane, 255 = cell.`,
    );
  }

  const perThreshold = ISBI_THRESHOLDS.map((step, k): ThresholdScores => {
    const sum = randMean[k]!;
    const rand = pooled ? randScoresFromSums(randPooled[k]!) : { vRand: sum.vRand / scored, vRandSplit: sum.vRandSplit / scored, vRandMerge: sum.vRandMerge / scored };
    const infoSum = infoMean[k]!;
    const info = { vInfo: infoSum.vInfo / scored, vInfoSplit: infoSum.vInfoSplit / scored, vInfoMerge: infoSum.vInfoMerge / scored };
    return {
      threshold: step.threshold,
      v_rand: rand.vRand,
      v_rand_split: rand.vRandSplit,
      v_rand_merge: rand.vRandMerge,
      v_info: info.vInfo,
      v_info_split: info.vInfoSplit,
      v_info_merge: info.vInfoMerge,
      pixel_error: 1 - pixelFScore(truePositives[k]!, falsePositives[k]!, falseNegatives[k]!),
    };
  });
  const rand = best(perThreshold, (scores) => scores.v_rand);
  const info = best(perThreshold, (scores) => scores.v_info);
  const pixel = best(perThreshold, (scores) => 1 - scores.pixel_error);
  return {
    pixel_error: 1 - pixel.value,
    pixel_error_threshold: pixel.threshold,
    pixel_disagreement: labelledPixels > 0 ? (falsePositives[half]! + falseNegatives[half]!) / labelledPixels : 0,
    v_rand: rand.value,
    v_rand_threshold: rand.threshold,
    v_info: info.value,
    v_info_threshold: info.threshold,
    per_threshold: perThreshold.reverse(),
    slices_scored: scored,
  };
}

/** The highest score, the first in the reference's order on ties (its `if (score > best)` from 0). */
function best(perThreshold: ThresholdScores[], score: (scores: ThresholdScores) => number): { value: number; threshold: number } {
  let value = 0;
  let threshold = perThreshold[0]!.threshold;
  for (const scores of perThreshold) {
    if (score(scores) > value) {
      value = score(scores);
      threshold = scores.threshold;
    }
  }
  return { value, threshold };
}

function checkInputs(probability: Float32Array, labels: Uint8Array, width: number, height: number, depth: number, labelled: Uint8Array | undefined): void {
  for (const [name, value] of [['width', width], ['height', height], ['depth', depth]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`evaluateSlices: ${name} must be a positive integer, got ${value}.`);
  }
  const voxels = width * height * depth;
  const arrays = [['probability', probability], ['labels', labels], ...(labelled ? [['labelled', labelled] as const] : [])] as const;
  for (const [name, array] of arrays) {
    if (array.length !== voxels) {
      throw new RangeError(`evaluateSlices: ${name} holds ${array.length} voxels but ${width} × ${height} × ${depth} = ${voxels} were expected.`);
    }
  }
  for (let i = 0; i < voxels; i++) {
    const value = probability[i]!;
    if (!(value >= 0 && value <= 1)) {
      const x = i % width;
      const y = Math.floor(i / width) % height;
      const z = Math.floor(i / (width * height));
      throw new RangeError(
        `evaluateSlices: the membrane probability at x ${x}, y ${y}, z ${z} is ${value}, outside 0-1; divide 8-bit maps by 255 and pass probabilities, not logits.`,
      );
    }
  }
}
