import type { Volume, VoxelArray } from '../io/Volume.js';
import type { LoadedModel } from '../model/modelFolder.js';
import { predictVolume } from '../predict/predictVolume.js';

export interface PredictSlicesOptions {
  signal?: AbortSignal;
  /** Worker threads to predict on (default 1: this thread). */
  workers?: number;
}

/**
 * The one place training predicts: slices `zs` of `images` with `model`, as the app stores
 * predictions (8-bit membrane probability, 255 = membrane), one plane per slice in the order
 * given. Scoring a starting model, each step judged and the bench all call this, so moving
 * prediction to another runtime changes this function only.
 */
export async function predictSlicesOf(model: LoadedModel, images: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>, zs: readonly number[], options: PredictSlicesOptions = {}): Promise<Uint8Array[]> {
  const { width, height } = images;
  const plane = width * height;
  if (zs.length === 0) return [];
  for (const z of zs) if (!Number.isInteger(z) || z < 0 || z >= images.depth) throw new RangeError(`Slice ${z} is outside the stack (slices 0-${images.depth - 1}).`);
  const data = new (images.data.constructor as new (length: number) => VoxelArray)(plane * zs.length);
  zs.forEach((z, k) => data.set(images.data.subarray(z * plane, (z + 1) * plane), k * plane));
  const predicted = await predictVolume({ width, height, depth: zs.length, data }, model, { signal: options.signal, workers: options.workers });
  return zs.map((_, k) => predicted.subarray(k * plane, (k + 1) * plane));
}
