import { findRoot } from '../base/unionFind.js';

export interface ProminenceCriteria {
  /** A maximum counts when it rises at least this far above the saddle to a higher maximum. */
  prominence: number;
  /**
   * And when that saddle lies at most this fraction of the way up to its peak (default 1: no
   * condition). On a distance transform the saddle is half the width of the neck joining two
   * blobs: 0.25 splits blobs joined through a narrow gap, not a cell with a broad waist.
   */
  neckRatio?: number;
  /** Values are sorted in steps of this size (default and smallest: 1/65536 of the largest value). */
  quantum?: number;
}

/**
 * The maxima of a non-negative row-major `width × height` map (a distance transform) that stand
 * out: one pixel index per maximum. A maximum's prominence (its "dynamic") is how far one must
 * descend from it to reach a higher maximum; the highest maximum of each 8-connected region of
 * positive values always counts. Pixels ≤ 0 are never maxima and separate regions. With
 * neckRatio 1 this is what h-maxima give (Soille, Morphological Image Analysis, 6.3.3), without
 * their plateaus: plateaus and ties yield one pixel each.
 *
 * Pixels are visited from high to low (a counting sort on values rounded down to `quantum`, so
 * levels closer than that may be visited in either order) and joined with union-find: when two
 * regions meet, the one with the lower peak ends there, and its peak counts if it passes the
 * criteria at the meeting level. Linear in the pixels but for the union-find.
 */
export function prominentMaxima(values: Float32Array, width: number, height: number, criteria: ProminenceCriteria): Int32Array {
  const n = width * height;
  if (values.length !== n) throw new RangeError(`prominentMaxima: the map holds ${values.length} values, not ${width} × ${height}.`);
  const { prominence } = criteria;
  const neckRatio = criteria.neckRatio ?? 1;
  const quantum = criteria.quantum ?? 0;
  if (!(quantum >= 0)) throw new RangeError(`prominentMaxima: quantum must be 0 or more, got ${quantum}.`);
  const order = sortDescending(values, quantum);
  const parent = new Int32Array(n).fill(-1);
  const peakValue = new Float32Array(n);
  const peakPixel = new Int32Array(n);
  const maxima: number[] = [];

  for (let k = 0; k < order.length; k++) {
    const p = order[k]!;
    const level = values[p]!;
    parent[p] = p;
    peakValue[p] = level;
    peakPixel[p] = p;
    const x = p % width;
    const y = (p - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
        const q = ny * width + nx;
        if (parent[q] === -1) continue;
        const rootP = findRoot(parent, p);
        const rootQ = findRoot(parent, q);
        if (rootP === rootQ) continue;
        // Ties go to the peak seen first, so that each region keeps exactly one.
        const pLower = peakValue[rootP]! < peakValue[rootQ]! || (peakValue[rootP] === peakValue[rootQ] && peakPixel[rootP]! > peakPixel[rootQ]!);
        const lower = pLower ? rootP : rootQ;
        const higher = pLower ? rootQ : rootP;
        if (peakValue[lower]! - level >= prominence && level <= neckRatio * peakValue[lower]!) maxima.push(peakPixel[lower]!);
        parent[lower] = higher;
      }
    }
  }
  // The highest peak of each region never met a higher one.
  for (const p of order) if (parent[p] === p) maxima.push(peakPixel[p]!);
  return Int32Array.from(maxima);
}

/** Indices of the positive values, highest first (by value rounded down to `quantum`). */
function sortDescending(values: Float32Array, quantum: number): Int32Array {
  let top = 0;
  let positive = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0) {
      positive++;
      if (v > top) top = v;
    }
  }
  if (!Number.isFinite(top)) throw new RangeError('prominentMaxima: the map holds Infinity; clamp it to a finite value first.');
  // Bounded so that the count array stays small whatever the caller asks.
  quantum = Math.max(quantum, top / 65536) || 1;
  const keys = Math.floor(top / quantum) + 1;
  const starts = new Int32Array(keys + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0) starts[keys - 1 - Math.floor(v / quantum)]!++;
  }
  for (let k = 0, sum = 0; k <= keys; k++) {
    const count = starts[k]!;
    starts[k] = sum;
    sum += count;
  }
  const order = new Int32Array(positive);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0) order[starts[keys - 1 - Math.floor(v / quantum)]!++] = i;
  }
  return order;
}
