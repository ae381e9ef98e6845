import type { QualityMetrics } from '../../protocol/contract.js';
import { CORRECTION_LABEL } from '../review/SliceCorrection.js';

/** Edge of the square blocks that held-out pixels are counted in (and resampled by, see compareTallies). */
export const TALLY_BLOCK = 64;

/**
 * What a prediction got right and wrong on the labelled pixels of one block of one slice, at
 * threshold 0.5 (membrane when the 8-bit probability is 128 or more). Blocks, not pixels, are the
 * unit of resampling: neighbouring pixels are nearly the same sample.
 */
export interface BlockTally {
  z: number;
  /** Block origin in pixels. */
  x: number;
  y: number;
  membrane: number;
  /** Labelled membrane predicted as cell. */
  membraneWrong: number;
  cell: number;
  /** Labelled cell predicted as membrane. */
  cellWrong: number;
  /** Sum over the block's labelled pixels of the binary cross-entropy (nats). */
  crossEntropy: number;
}

/**
 * Pixel-level scores on labelled pixels: meaningful for sparse corrections, unlike V_rand and
 * V_info. The contract's QualityMetrics carries them, plus the slices and the segment scores.
 */
export type PixelScores = Omit<QualityMetrics, 'slices' | 'pixel_error' | 'v_rand' | 'v_info'>;

/**
 * Tallies a slice's prediction (8-bit membrane probability, 255 = membrane) against its
 * labels (CORRECTION_LABEL values; 0 = not scored), per TALLY_BLOCK² block, skipping blocks
 * without a labelled pixel.
 */
export function tallySlice(z: number, probability: Uint8Array, labels: Uint8Array, width: number, height: number, block = TALLY_BLOCK): BlockTally[] {
  if (probability.length !== width * height || labels.length !== width * height) {
    throw new RangeError(`Slice ${z}: the prediction (${probability.length} pixels) and labels (${labels.length}) must both be ${width} × ${height}.`);
  }
  // ln of clipped probabilities, by byte value (p = v / 255, kept 1/510 away from 0 and 1).
  const lnMembrane = new Float64Array(256);
  const lnCell = new Float64Array(256);
  for (let v = 0; v < 256; v++) {
    const p = Math.min(1 - 1 / 510, Math.max(1 / 510, v / 255));
    lnMembrane[v] = -Math.log(p);
    lnCell[v] = -Math.log(1 - p);
  }
  const tallies: BlockTally[] = [];
  for (let by = 0; by < height; by += block) {
    for (let bx = 0; bx < width; bx += block) {
      const t: BlockTally = { z, x: bx, y: by, membrane: 0, membraneWrong: 0, cell: 0, cellWrong: 0, crossEntropy: 0 };
      for (let y = by; y < Math.min(height, by + block); y++) {
        for (let x = bx; x < Math.min(width, bx + block); x++) {
          const i = y * width + x;
          const label = labels[i]!;
          if (label === CORRECTION_LABEL.unlabelled) continue;
          const v = probability[i]!;
          if (label === CORRECTION_LABEL.membrane) {
            t.membrane++;
            if (v < 128) t.membraneWrong++;
            t.crossEntropy += lnMembrane[v]!;
          } else {
            t.cell++;
            if (v >= 128) t.cellWrong++;
            t.crossEntropy += lnCell[v]!;
          }
        }
      }
      if (t.membrane + t.cell > 0) tallies.push(t);
    }
  }
  return tallies;
}

/** The pixel scores of a set of blocks (weights: how often each block counts, for resampling). */
export function pixelScores(tallies: readonly BlockTally[], weights?: ArrayLike<number>): PixelScores {
  let membrane = 0, membraneWrong = 0, cell = 0, cellWrong = 0, crossEntropy = 0, blocks = 0;
  tallies.forEach((t, k) => {
    const w = weights ? weights[k]! : 1;
    membrane += w * t.membrane;
    membraneWrong += w * t.membraneWrong;
    cell += w * t.cell;
    cellWrong += w * t.cellWrong;
    crossEntropy += w * t.crossEntropy;
    blocks += w > 0 ? 1 : 0;
  });
  const membraneError = membrane > 0 ? membraneWrong / membrane : null;
  const cellError = cell > 0 ? cellWrong / cell : null;
  const rates = [membraneError, cellError].filter((r): r is number => r !== null);
  const f1 = (truePositive: number, wrongPositive: number, missed: number): number | null => {
    const denominator = 2 * truePositive + wrongPositive + missed;
    return denominator > 0 ? (2 * truePositive) / denominator : null;
  };
  return {
    error: rates.length > 0 ? rates.reduce((a, b) => a + b, 0) / rates.length : 0,
    membrane_error: membraneError,
    cell_error: cellError,
    // A class nobody labelled has no F1 to speak of (its "false positives" are the other class's errors).
    membrane_f1: membrane > 0 ? f1(membrane - membraneWrong, cellWrong, membraneWrong) : null,
    cell_f1: cell > 0 ? f1(cell - cellWrong, membraneWrong, cellWrong) : null,
    cross_entropy: membrane + cell > 0 ? crossEntropy / (membrane + cell) : 0,
    labelled_pixels: membrane + cell,
    membrane_pixels: membrane,
    cell_pixels: cell,
    blocks,
  };
}

/** How much lower `after`'s error is than `before`'s, on the same blocks, and how sure that is. */
export interface Comparison {
  /** before.error − after.error (positive: after is better). */
  improvement: number;
  /**
   * The standard error of `improvement`: the standard deviation of it over bootstrap resamples
   * of the blocks (paired: both models on the same resampled blocks). 0 with fewer than 2 blocks.
   */
  noise: number;
  blocks: number;
}

/**
 * Compares two predictions' tallies of the same held-out pixels (same blocks, same order) by a
 * paired block bootstrap: `resamples` times, draw as many blocks as there are, with replacement,
 * and recompute both errors. Deterministic for a given seed.
 */
export function compareTallies(before: readonly BlockTally[], after: readonly BlockTally[], resamples = 1000, seed = 1): Comparison {
  if (before.length !== after.length || before.some((b, k) => b.z !== after[k]!.z || b.x !== after[k]!.x || b.y !== after[k]!.y || b.membrane !== after[k]!.membrane || b.cell !== after[k]!.cell)) {
    throw new Error('compareTallies needs both predictions tallied on the same labelled pixels (same blocks, same order).');
  }
  const improvement = pixelScores(before).error - pixelScores(after).error;
  const n = before.length;
  if (n < 2) return { improvement, noise: 0, blocks: n };
  let state = seed >>> 0;
  const next = (): number => {
    // mulberry32, as Random in engine/train (metrics may not import from train).
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const counts = new Float64Array(n);
  let sum = 0;
  let sumSquares = 0;
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[Math.floor(next() * n)]!++;
    const d = pixelScores(before, counts).error - pixelScores(after, counts).error;
    sum += d;
    sumSquares += d * d;
  }
  const mean = sum / resamples;
  return { improvement, noise: Math.sqrt(Math.max(0, sumSquares / resamples - mean * mean)), blocks: n };
}
