import type { LayersModel } from '@tensorflow/tfjs-layers';
import { tf } from '../model/tfjs.js';
import { blendRamp, layoutAxis, mirrorIndex, type AxisLayout } from './tileLayout.js';

export interface PredictSliceOptions {
  /** Largest tile edge (pixels); memory is bounded by this, not by the slice size. */
  maxTile: number;
  /** Context each tile has beyond the part of it that counts fully. */
  overlap: number;
  /** Tile sizes must be multiples of this (2^(levels-1) for the U-Net). */
  multiple: number;
  /** Average the 8 flips/rotations (4 flips for non-square tiles). */
  tta?: boolean;
  /** Tiles per forward pass. */
  batch?: number;
  signal?: AbortSignal;
  /** Called after each tile, with tiles done and tiles in all. */
  onTile?: (done: number, total: number) => void;
}

export function sliceTiles(width: number, height: number, options: PredictSliceOptions): { x: AxisLayout; y: AxisLayout; count: number } {
  const x = layoutAxis(width, options.maxTile, options.overlap, options.multiple);
  const y = layoutAxis(height, options.maxTile, options.overlap, options.multiple);
  return { x, y, count: x.origins.length * y.origins.length };
}

/**
 * Membrane probability for one normalised slice, by tiled inference: mirror padding at the
 * borders, overlapping tiles blended with linear ramps (no seams), optional test-time
 * augmentation. Returns a width × height Float32Array in [0, 1].
 */
export async function predictSlice(model: LayersModel, input: Float32Array, width: number, height: number, options: PredictSliceOptions): Promise<Float32Array> {
  const { x: lx, y: ly, count } = sliceTiles(width, height, options);
  const rampX = blendRamp(lx.tile, options.overlap);
  const rampY = blendRamp(ly.tile, options.overlap);
  const sum = new Float32Array(width * height);
  const weight = new Float32Array(width * height);
  const tiles: [number, number][] = [];
  for (const oy of ly.origins) for (const ox of lx.origins) tiles.push([oy, ox]);
  const batch = Math.max(1, options.batch ?? 1);
  const tileSize = ly.tile * lx.tile;

  for (let start = 0; start < tiles.length; start += batch) {
    if (options.signal?.aborted) throw abortError();
    const group = tiles.slice(start, start + batch);
    const data = new Float32Array(group.length * tileSize);
    group.forEach(([oy, ox], t) => {
      // Padded coordinate p maps to image coordinate p - before, mirrored into range.
      for (let ty = 0; ty < ly.tile; ty++) {
        const sy = mirrorIndex(oy + ty - ly.before, height) * width;
        const row = t * tileSize + ty * lx.tile;
        for (let tx = 0; tx < lx.tile; tx++) data[row + tx] = input[sy + mirrorIndex(ox + tx - lx.before, width)]!;
      }
    });
    const probabilities = await runTiles(model, data, group.length, ly.tile, lx.tile, options.tta === true);
    group.forEach(([oy, ox], t) => {
      for (let ty = 0; ty < ly.tile; ty++) {
        const iy = oy + ty - ly.before;
        if (iy < 0 || iy >= height) continue;
        for (let tx = 0; tx < lx.tile; tx++) {
          const ix = ox + tx - lx.before;
          if (ix < 0 || ix >= width) continue;
          const w = rampY[ty]! * rampX[tx]!;
          const i = iy * width + ix;
          sum[i] = sum[i]! + w * probabilities[t * tileSize + ty * lx.tile + tx]!;
          weight[i] = weight[i]! + w;
        }
      }
    });
    options.onTile?.(Math.min(start + batch, count), count);
    // Let cancellation and progress messages through between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! / weight[i]!;
  return sum;
}

/** Forward pass over a batch of tiles, averaged over flips/rotations when `tta`. */
async function runTiles(model: LayersModel, data: Float32Array, count: number, tileH: number, tileW: number, tta: boolean): Promise<Float32Array> {
  const result = tf.tidy(() => {
    const x = tf.tensor4d(data, [count, tileH, tileW, 1]);
    if (!tta) return model.predict(x) as tf.Tensor4D;
    const square = tileH === tileW;
    const variants = square ? 8 : 4;
    let total: tf.Tensor4D | null = null;
    for (let k = 0; k < variants; k++) {
      const forward = (t: tf.Tensor4D): tf.Tensor4D => {
        let out = t;
        if (k & 1) out = tf.reverse(out, 2);
        if (k & 2) out = tf.reverse(out, 1);
        if (k & 4) out = tf.transpose(out, [0, 2, 1, 3]);
        return out;
      };
      const inverse = (t: tf.Tensor4D): tf.Tensor4D => {
        let out = t;
        if (k & 4) out = tf.transpose(out, [0, 2, 1, 3]);
        if (k & 2) out = tf.reverse(out, 1);
        if (k & 1) out = tf.reverse(out, 2);
        return out;
      };
      const y = inverse(model.predict(forward(x)) as tf.Tensor4D);
      total = total ? tf.add(total, y) : y;
    }
    return tf.div(total!, variants) as tf.Tensor4D;
  });
  const values = (await result.data()) as Float32Array;
  result.dispose();
  return values;
}

function abortError(): Error {
  return Object.assign(new Error('Prediction was cancelled.'), { code: 'CANCELLED', name: 'AbortError' });
}
