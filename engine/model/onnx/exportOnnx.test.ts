import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { readTiff } from '../../io/readTiff.js';
import { layoutAxis, mirrorIndex } from '../../predict/tileLayout.js';
import { fineTune } from '../../train/fineTune.js';
import { membraneLoss } from '../../train/membraneLoss.js';
import { sizeMultiple } from '../buildUnet.js';
import { loadModelFolder, saveModelFolder, shippedModelDir, type LoadedModel } from '../modelFolder.js';
import { normalizeSlice } from '../normalizeSlice.js';
import { selectBackend } from '../selectBackend.js';
import { tf } from '../tfjs.js';
import { ensureOnnx } from './ensureOnnx.js';
import { exportOnnx } from './exportOnnx.js';

const DATA = new URL('../../../../shared/data/isbi2012/', import.meta.url);
const images = readTiff(new Uint8Array(readFileSync(new URL('train-volume.tif', DATA))), 'train-volume.tif');
const labels = readTiff(new Uint8Array(readFileSync(new URL('train-labels.tif', DATA))), 'train-labels.tif');
const SIDE = 512;

/**
 * `count` normalised h × w tiles from ISBI slices (z, z+1, ...) at (x0, y0), mirror-padded past
 * the slice's edges as the tiling pads them; laid out [count, h, w] (NHWC and NCHW alike, one channel).
 */
function tiles(z: number, count: number, x0: number, y0: number, w: number, h: number): Float32Array {
  const out = new Float32Array(count * w * h);
  for (let t = 0; t < count; t++) {
    const raw = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) raw[y * w + x] = images.data[((z + t) * SIDE + mirrorIndex(y0 + y, SIDE)) * SIDE + mirrorIndex(x0 + x, SIDE)]!;
    }
    normalizeSlice(raw, { kind: 'slice-zscore', epsilon: 1e-3 }, out.subarray(t * w * h, (t + 1) * w * h));
  }
  return out;
}

/** Largest |tfjs − ORT| over the tiles' probabilities, and the outputs' range (to show they are not trivial). */
async function compare(model: LayersModel, session: InferenceSession, input: Float32Array, count: number, h: number, w: number): Promise<{ maxDiff: number; min: number; max: number }> {
  const expected = tf.tidy(() => model.predict(tf.tensor4d(input, [count, h, w, 1])) as tf.Tensor).dataSync();
  const result = await session.run({ [session.inputNames[0]!]: new Tensor('float32', input, [count, 1, h, w]) });
  const output = result[session.outputNames[0]!]!;
  expect(output.dims).toEqual([count, 1, h, w]);
  const actual = output.data as Float32Array;
  let maxDiff = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(expected[i]! - actual[i]!));
    min = Math.min(min, actual[i]!);
    max = Math.max(max, actual[i]!);
  }
  return { maxDiff, min, max };
}

/** Tile sizes the tiling makes for a slice of this size (the last tile of an axis is as long as the others). */
function tileSize(width: number, height: number, maxTile: number, overlap: number, multiple: number): [number, number] {
  return [layoutAxis(height, maxTile, overlap, multiple).tile, layoutAxis(width, maxTile, overlap, multiple).tile];
}

let shipped: LoadedModel;
let fineTuned: LayersModel;
const sessions: InferenceSession[] = [];
async function sessionFor(model: LayersModel): Promise<InferenceSession> {
  const session = await InferenceSession.create(await exportOnnx(model), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  sessions.push(session);
  return session;
}

beforeAll(async () => {
  await selectBackend('wasm');
  shipped = await loadModelFolder(shippedModelDir());
}, 60_000);
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
  fineTuned?.dispose();
  shipped?.model.dispose();
});

describe('exportOnnx: ONNX Runtime (CPU) gives tfjs\'s probabilities', () => {
  it('on the shipped model, for odd tile sizes, tiling edge sizes and a batch', async () => {
    const session = await sessionFor(shipped.model);
    const multiple = sizeMultiple(shipped.meta.architecture);
    // 200 × 328 (odd multiples of 8); what a 1000 × 333 slice is cut into with the shipped tiling
    // (tiles of 568 × 408, the padded borders mirrored); a single 72 × 40 tile; a batch of two.
    const edge = tileSize(1000, 333, shipped.meta.tile.size, shipped.meta.tile.overlap, multiple);
    const cases: [string, number, number, number, number, number, number][] = [
      ['200×328', 3, 1, 100, 60, 328, 200],
      [`${edge[1]}×${edge[0]} (edge of a 1000×333 slice)`, 5, 1, 512 - edge[1] + 32, -32, edge[1], edge[0]],
      ['72×40', 7, 1, 0, 0, 72, 40],
      ['2 × 96×64', 9, 2, 17, 301, 96, 64],
    ];
    for (const [label, z, count, x0, y0, w, h] of cases) {
      expect(h % multiple === 0 && w % multiple === 0, label).toBe(true);
      const { maxDiff, min, max } = await compare(shipped.model, session, tiles(z, count, x0, y0, w, h), count, h, w);
      console.log(`shipped model, ${label}: max |tfjs − ORT| = ${maxDiff.toExponential(2)} (probabilities ${min.toFixed(3)}–${max.toFixed(3)})`);
      expect(maxDiff, label).toBeLessThan(1e-4);
      expect(max - min, label).toBeGreaterThan(0.5);
    }
  }, 120_000);

  it('on a model fine-tuned from it by Adam steps on the engine\'s membrane loss', async () => {
    // Four steps on two 96² ISBI crops with their labels, at a high learning rate so the weights
    // move. (Written out here rather than through fineTune, so this test does not depend on the
    // training code's options.)
    fineTuned = (await loadModelFolder(shippedModelDir())).model;
    const crop = 96;
    const x = tf.tensor4d(tiles(0, 2, 150, 200, crop, crop), [2, crop, crop, 1]);
    const truth = new Float32Array(2 * crop * crop);
    for (let t = 0; t < 2; t++) {
      for (let y = 0; y < crop; y++) for (let i = 0; i < crop; i++) truth[(t * crop + y) * crop + i] = labels.data[(t * SIDE + y + 200) * SIDE + i + 150] === 0 ? 1 : 0;
    }
    const target = tf.tensor4d(truth, [2, crop, crop, 1]);
    const weight = tf.onesLike(target);
    const optimizer = tf.train.adam(3e-3);
    for (let step = 0; step < 4; step++) {
      optimizer.minimize(() => membraneLoss(fineTuned.apply(x, { training: true }) as tf.Tensor, target, weight));
    }
    tf.dispose([x, target, weight]);
    optimizer.dispose();
    const before = shipped.model.getWeights().map((w) => w.dataSync());
    let moved = 0;
    fineTuned.getWeights().forEach((w, i) => w.dataSync().forEach((v, j) => (moved = Math.max(moved, Math.abs(v - before[i]![j]!)))));
    expect(moved).toBeGreaterThan(1e-3);

    const session = await sessionFor(fineTuned);
    const { maxDiff, min, max } = await compare(fineTuned, session, tiles(12, 1, 40, 150, 328, 200), 1, 200, 328);
    console.log(`fine-tuned model (weights moved by up to ${moved.toFixed(4)}), 200×328: max |tfjs − ORT| = ${maxDiff.toExponential(2)} (probabilities ${min.toFixed(3)}–${max.toFixed(3)})`);
    expect(maxDiff).toBeLessThan(1e-4);
    // The fine-tuned model's ONNX differs from the shipped one's.
    expect(Buffer.from(await exportOnnx(fineTuned)).equals(Buffer.from(await exportOnnx(shipped.model)))).toBe(false);
  }, 180_000);
  it('on a project-style fine-tune: fineTune on ISBI corrections, saved by saveModelFolder, model.onnx loaded from the folder', async () => {
    const crop = 128;
    const cut = (data: ArrayLike<number>, z: number): Uint8Array => {
      const out = new Uint8Array(crop * crop);
      for (let y = 0; y < crop; y++) for (let x = 0; x < crop; x++) out[y * crop + x] = data[(z * SIDE + y + 260) * SIDE + x + 40]!;
      return out;
    };
    const volume = new Uint8Array(2 * crop * crop);
    volume.set(cut(images.data, 0), 0);
    volume.set(cut(images.data, 1), crop * crop);
    const corrections = [0, 1].map((z) => ({ z, labels: Uint8Array.from(cut(labels.data, z), (v) => (v === 0 ? 1 : 2)) }));
    const result = await fineTune({ model: shipped, images: { width: crop, height: crop, depth: 2, data: volume }, corrections, validationSlices: [1], steps: 4, evalEvery: 4, patch: 64, learningRate: 3e-3, seed: 3 });
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'membrana-finetuned-'));
      try {
        await saveModelFolder(dir, result.model, result.meta);
        const warnings: string[] = [];
        const file = await ensureOnnx(dir, { onWarning: (m) => warnings.push(m) });
        expect(warnings).toEqual([]);
        const session = await InferenceSession.create(file, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
        sessions.push(session);
        const { maxDiff, min, max } = await compare(result.model, session, tiles(15, 1, 101, 7, 328, 200), 1, 200, 328);
        const onShipped = await compare(shipped.model, session, tiles(15, 1, 101, 7, 328, 200), 1, 200, 328);
        console.log(`fineTune result (step ${result.bestStep} of ${result.steps}), 200×328: max |tfjs − ORT| = ${maxDiff.toExponential(2)} (probabilities ${min.toFixed(3)}–${max.toFixed(3)}); differs from the shipped model by up to ${onShipped.maxDiff.toFixed(4)}`);
        expect(maxDiff).toBeLessThan(1e-4);
        // A model that really moved (the fine-tune kept a trained step, not the start).
        expect(result.bestStep).toBeGreaterThan(0);
        expect(onShipped.maxDiff).toBeGreaterThan(1e-2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      result.model.dispose();
    }
  }, 300_000);
});
