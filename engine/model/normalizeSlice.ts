import type { Normalization } from './modelFolder.js';

/** What a z-score normalisation shifts and scales by: the voxels' mean and standard deviation. */
export interface SliceStats {
  mean: number;
  /** Population standard deviation (divided by the count, not count − 1). */
  std: number;
}

/** Mean and standard deviation of a slice's finite voxels (0 and 0 when there are none). */
export function sliceStats(raw: ArrayLike<number>): SliceStats {
  const n = raw.length;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  const mean = count > 0 ? sum / count : 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    if (Number.isFinite(v)) squares += (v - mean) * (v - mean);
  }
  return { mean, std: Math.sqrt(count > 0 ? squares / count : 0) };
}

/**
 * Raw voxels of one slice → network input, as the model's recorded normalisation says. By
 * default the statistics are the voxels' own; pass `stats` to normalise a part of a slice (a
 * block) exactly as the whole slice would be.
 */
export function normalizeSlice(raw: ArrayLike<number>, normalization: Normalization, out = new Float32Array(raw.length), stats: SliceStats = sliceStats(raw)): Float32Array {
  const n = raw.length;
  const { mean } = stats;
  const scale = 1 / (stats.std + normalization.epsilon);
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    out[i] = Number.isFinite(v) ? (v - mean) * scale : 0;
  }
  return out;
}
