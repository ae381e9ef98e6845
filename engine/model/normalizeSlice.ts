import type { Normalization } from './modelFolder.js';

/** Raw voxels of one slice → network input, as the model's recorded normalisation says. */
export function normalizeSlice(raw: ArrayLike<number>, normalization: Normalization, out = new Float32Array(raw.length)): Float32Array {
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
  const scale = 1 / (Math.sqrt(count > 0 ? squares / count : 0) + normalization.epsilon);
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    out[i] = Number.isFinite(v) ? (v - mean) * scale : 0;
  }
  return out;
}
