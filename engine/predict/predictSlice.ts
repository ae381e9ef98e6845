import type { LayersModel } from '@tensorflow/tfjs-layers';
import { tf } from '../model/tfjs.js';
import { SliceTiling, type TilingOptions } from './SliceTiling.js';
import { layoutAxis, type AxisLayout } from './tileLayout.js';

export interface PredictSliceOptions extends TilingOptions {
  /** Average the 8 flips/rotations (4 flips for non-square tiles). */
  tta?: boolean;
  signal?: AbortSignal;
  /** Called after each tile, with tiles done and tiles in all. */
  onTile?: (done: number, total: number) => void;
}

export function sliceTiles(width: number, height: number, options: TilingOptions): { x: AxisLayout; y: AxisLayout; count: number } {
  const x = layoutAxis(width, options.maxTile, options.overlap, options.multiple);
  const y = layoutAxis(height, options.maxTile, options.overlap, options.multiple);
  return { x, y, count: x.origins.length * y.origins.length };
}

/**
 * Membrane probability for one normalised slice, by tiled inference: mirror padding at the
 * borders, overlapping tiles blended with linear ramps (no seams), optional test-time
 * augmentation. Returns a width × height Float32Array in [0, 1]. PredictionPool runs the same
 * tiles on worker threads.
 */
export async function predictSlice(model: LayersModel, input: Float32Array, width: number, height: number, options: PredictSliceOptions): Promise<Float32Array> {
  const tiling = new SliceTiling(width, height, options);
  for (let g = 0; g < tiling.groups; g++) {
    if (options.signal?.aborted) throw cancelledError();
    const probabilities = await runTiles(model, tiling.gather(input, g), tiling.groupSize(g), tiling.y.tile, tiling.x.tile, options.tta === true, options.signal);
    tiling.blend(g, probabilities);
    options.onTile?.(tiling.tilesThrough(g), tiling.tiles);
    // Let cancellation and progress messages through between batches.
    await yieldToEvents();
  }
  return tiling.result();
}

/**
 * Forward pass over a batch of tiles ([count, tileH, tileW] float32), averaged over
 * flips/rotations when `tta`. With TTA, cancellation is checked between the variants, so a
 * cancelled job stops within one forward pass.
 */
export async function runTiles(model: LayersModel, data: Float32Array, count: number, tileH: number, tileW: number, tta: boolean, signal?: AbortSignal): Promise<Float32Array> {
  const x = tf.tensor4d(data, [count, tileH, tileW, 1]);
  let total: tf.Tensor4D | null = null;
  try {
    if (!tta) {
      total = tf.tidy(() => model.predict(x) as tf.Tensor4D);
    } else {
      const variants = tileH === tileW ? 8 : 4;
      for (let k = 0; k < variants; k++) {
        if (k > 0) {
          await yieldToEvents();
          if (signal?.aborted) throw cancelledError();
        }
        const previous: tf.Tensor4D | null = total;
        total = tf.tidy(() => {
          const y = unflip(model.predict(flip(x, k)) as tf.Tensor4D, k);
          return previous ? tf.add(previous, y) : y;
        });
        previous?.dispose();
      }
      const sum = total!;
      total = tf.tidy(() => tf.div(sum, variants));
      sum.dispose();
    }
    return (await total.data()) as Float32Array;
  } finally {
    x.dispose();
    total?.dispose();
  }
}

/** Variant k of the 8 flips/rotations: bit 0 flips x, bit 1 flips y, bit 2 transposes. */
function flip(t: tf.Tensor4D, k: number): tf.Tensor4D {
  let out = t;
  if (k & 1) out = tf.reverse(out, 2);
  if (k & 2) out = tf.reverse(out, 1);
  if (k & 4) out = tf.transpose(out, [0, 2, 1, 3]);
  return out;
}

function unflip(t: tf.Tensor4D, k: number): tf.Tensor4D {
  let out = t;
  if (k & 4) out = tf.transpose(out, [0, 2, 1, 3]);
  if (k & 2) out = tf.reverse(out, 1);
  if (k & 1) out = tf.reverse(out, 2);
  return out;
}

function yieldToEvents(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** The error every prediction path throws when its AbortSignal fires. */
export function cancelledError(): Error {
  return Object.assign(new Error('Prediction was cancelled.'), { code: 'CANCELLED', name: 'AbortError' });
}
