import { describe, expect, it } from 'vitest';
import { tf, tfl } from '../model/tfjs.js';
import { predictSlice } from './predictSlice.js';
import { mirrorIndex } from './tileLayout.js';

/** Two 3×3 convolutions (receptive radius 2) with fixed random weights: a stand-in for the U-Net. */
function smallConvModel(): ReturnType<typeof tfl.sequential> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [null, null, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }), biasInitializer: 'ones' }),
      tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
  return model;
}

function randomImage(width: number, height: number): Float32Array {
  let s = 12345;
  return new Float32Array(width * height).map(() => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
}

/** The reference: the whole slice mirror-padded by `pad` and predicted in one piece. */
function predictWhole(model: ReturnType<typeof smallConvModel>, image: Float32Array, width: number, height: number, pad: number): Float32Array {
  const pw = width + 2 * pad, ph = height + 2 * pad;
  const padded = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) padded[y * pw + x] = image[mirrorIndex(y - pad, height) * width + mirrorIndex(x - pad, width)]!;
  const out = tf.tidy(() => model.predict(tf.tensor4d(padded, [1, ph, pw, 1])) as tf.Tensor).dataSync();
  const crop = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) crop[y * width + x] = out[(y + pad) * pw + x + pad]!;
  return crop;
}

describe('predictSlice', () => {
  it('matches whole-slice prediction: no seams between tiles, mirrored borders', async () => {
    const model = smallConvModel();
    const width = 70, height = 45;
    const image = randomImage(width, height);
    const reference = predictWhole(model, image, width, height, 16);
    let calls = 0;
    const tiled = await predictSlice(model, image, width, height, { maxTile: 48, overlap: 16, multiple: 8, batch: 2, onTile: () => calls++ });
    let worst = 0;
    for (let i = 0; i < tiled.length; i++) worst = Math.max(worst, Math.abs(tiled[i]! - reference[i]!));
    expect(worst).toBeLessThan(1e-4);
    expect(calls).toBeGreaterThan(1); // really tiled
  });

  it('averages flips and rotations without moving anything (TTA)', async () => {
    const model = smallConvModel();
    const width = 40, height = 40;
    const image = randomImage(width, height);
    const plain = await predictSlice(model, image, width, height, { maxTile: 64, overlap: 8, multiple: 8 });
    const tta = await predictSlice(model, image, width, height, { maxTile: 64, overlap: 8, multiple: 8, tta: true });
    // Not identical (the filters are not symmetric), but close, and aligned: correlation is high.
    let dot = 0, a2 = 0, b2 = 0;
    const mean = (v: Float32Array): number => v.reduce((s, x) => s + x, 0) / v.length;
    const ma = mean(plain), mb = mean(tta);
    for (let i = 0; i < plain.length; i++) {
      dot += (plain[i]! - ma) * (tta[i]! - mb);
      a2 += (plain[i]! - ma) ** 2;
      b2 += (tta[i]! - mb) ** 2;
    }
    expect(dot / Math.sqrt(a2 * b2)).toBeGreaterThan(0.5);
    expect(Math.max(...tta)).toBeLessThanOrEqual(1);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(predictSlice(smallConvModel(), randomImage(64, 64), 64, 64, { maxTile: 32, overlap: 8, multiple: 8, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
