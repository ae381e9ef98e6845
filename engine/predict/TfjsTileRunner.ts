import type { LayersModel } from '@tensorflow/tfjs-layers';
import { selectBackend } from '../model/selectBackend.js';
import { tf } from '../model/tfjs.js';
import { cancelledError } from './cancelledError.js';
import type { ProviderInfo } from './executionProviders.js';
import type { TileRunner } from './TileRunner.js';

/**
 * The network as a TensorFlow.js model: the fallback where ONNX Runtime cannot load, what
 * MEMBRANA_EP=tfjs asks for, and the reference the ONNX path is tested against. Runs on the
 * backend selectBackend chose for this thread.
 */
export class TfjsTileRunner implements TileRunner {
  constructor(
    readonly model: LayersModel,
    readonly provider: ProviderInfo,
  ) {}

  /** A runner for `model` on this thread's TensorFlow.js backend (chosen now if not yet); `skipped` says why ONNX Runtime is not used. */
  static async start(model: LayersModel, skipped: string[] = []): Promise<TfjsTileRunner> {
    const backend = await selectBackend();
    return new TfjsTileRunner(model, { name: 'tfjs', description: `TensorFlow.js ${backend.description}`, skipped: [...skipped, ...backend.skipped] });
  }

  run(tiles: Float32Array, count: number, tileHeight: number, tileWidth: number, tta: boolean, signal?: AbortSignal): Promise<Float32Array> {
    return runTiles(this.model, tiles, count, tileHeight, tileWidth, tta, signal);
  }

  /** The model belongs to whoever loaded it; the runner holds nothing else. */
  dispose(): Promise<void> {
    return Promise.resolve();
  }
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
          await new Promise<void>((resolve) => setImmediate(resolve));
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

/** Variant k of the 8 flips/rotations: bit 0 flips x, bit 1 flips y, bit 2 transposes (tileVariants does the same on arrays). */
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
