import { DEFAULT_NORMALIZATION } from '../model/modelFolder.js';
import { normalizeSlice } from '../model/normalizeSlice.js';
import { augmentPatch } from './augmentPatch.js';
import type { Random } from '../base/Random.js';

/** `count` patches of size × size, each laid out row by row, one after the other (NHWC, 1 channel). */
export interface TrainingBatch {
  count: number;
  size: number;
  /** Normalised image values. */
  x: Float32Array;
  /** 1 membrane, 0 cell. */
  target: Float32Array;
  /** 0 = unlabelled (ignored by the loss). */
  weight: Float32Array;
}

/** A slice scaled to [0, 1] by its own minimum and maximum (augmentation works in that range). */
export function scaleToUnit(raw: ArrayLike<number>): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? 1 / (max - min) : 0;
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i]! - min) * scale;
  return out;
}

/** One step's augmented patches, each from a random training slice (`scaled[k]` is slice `slices[k]`). */
export function makeBatch(
  scaled: Float32Array[],
  slices: number[],
  labels: Uint8Array,
  mask: Uint8Array | null,
  width: number,
  height: number,
  batch: number,
  size: number,
  random: Random,
): TrainingBatch {
  const plane = width * height;
  const n = size * size;
  const x = new Float32Array(batch * n);
  const target = new Float32Array(batch * n);
  const weight = new Float32Array(batch * n);
  for (let b = 0; b < batch; b++) {
    const k = random.int(slices.length);
    const z = slices[k]!;
    const patch = augmentPatch(scaled[k]!, labels.subarray(z * plane, (z + 1) * plane), mask ? mask.subarray(z * plane, (z + 1) * plane) : null, width, height, size, random);
    x.set(normalizeSlice(patch.image, DEFAULT_NORMALIZATION), b * n);
    target.set(patch.target, b * n);
    weight.set(patch.weight, b * n);
  }
  return { count: batch, size, x, target, weight };
}

/** Patches [first, first + count) of a batch, in buffers of their own (to transfer to a worker). */
export function sliceBatch(batch: TrainingBatch, first: number, count: number): TrainingBatch {
  const n = batch.size * batch.size;
  const part = (a: Float32Array): Float32Array => a.slice(first * n, (first + count) * n);
  return { count, size: batch.size, x: part(batch.x), target: part(batch.target), weight: part(batch.weight) };
}
