import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTiff } from '../io/readTiff.js';
import { buildUnet } from '../model/buildUnet.js';
import { DEFAULT_NORMALIZATION, shippedModelDir, type LoadedModel } from '../model/modelFolder.js';
import { workerBuild } from '../workers/testing/workerBuild.js';
import { openPredictor } from './openPredictor.js';
import type { Predictor } from './Predictor.js';
import { predictVolume } from './predictVolume.js';

const DATA = new URL('../../../shared/data/isbi2012/', import.meta.url);
const isbi = readTiff(new Uint8Array(readFileSync(new URL('train-volume.tif', DATA))), 'train-volume.tif');
const build = workerBuild('predict/predictionWorker.js', ['engine/predict', 'engine/model', 'engine/model/onnx', 'engine/workers']);

/** A 200 × 160 crop of ISBI slices 3 and 4: with 128-px tiles, 4 × 3 overlapping tiles a slice. */
function crop(width = 200, height = 160, depth = 2): { width: number; height: number; depth: number; data: Uint8Array } {
  const data = new Uint8Array(width * height * depth);
  for (let z = 0; z < depth; z++) for (let y = 0; y < height; y++) data.set(isbi.data.subarray(((z + 3) * 512 + y + 40) * 512 + 60, ((z + 3) * 512 + y + 40) * 512 + 60 + width) as Uint8Array, (z * height + y) * width);
  return { width, height, depth, data };
}

/** Largest difference between two byte predictions, and how many pixels differ at all. */
function difference(a: Uint8Array, b: Uint8Array): { max: number; differing: number } {
  let max = 0, differing = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    if (d > 0) differing++;
  }
  return { max, differing };
}

const opened: Predictor[] = [];
async function open(...args: Parameters<typeof openPredictor>): Promise<Predictor> {
  const predictor = await openPredictor(...args);
  opened.push(predictor);
  return predictor;
}

let tfjs: Predictor;
beforeAll(async () => {
  tfjs = await open(shippedModelDir(), { provider: 'tfjs' });
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.map((p) => p.dispose()));
});

describe('openPredictor', () => {
  it('runs the shipped model on ONNX Runtime within 1/255 of TensorFlow.js: tiles, seams, mirrored borders and TTA', async () => {
    const ort = await open(shippedModelDir(), { provider: 'cpu', threads: 2 });
    expect(ort.provider).toMatchObject({ name: 'cpu', description: 'ONNX Runtime CPU (2 threads)' });
    expect(tfjs.provider).toMatchObject({ name: 'tfjs', description: expect.stringMatching(/^TensorFlow\.js /) });
    const stack = crop();
    const options = { maxTile: 128 };
    const expected = await predictVolume(stack, tfjs, options);
    const actual = await predictVolume(stack, ort, options);
    expect(difference(actual, expected).max).toBeLessThanOrEqual(1);
    // Not a flat answer: the crop has membranes and cells.
    expect(Math.max(...actual) - Math.min(...actual)).toBeGreaterThan(200);
    const one = crop(96, 96, 1);
    expect(difference(await predictVolume(one, ort, { tta: true }), await predictVolume(one, tfjs, { tta: true })).max).toBeLessThanOrEqual(1);
  }, 120_000);

  it('exports a model in memory (one being trained) for ONNX Runtime, within 1/255 of TensorFlow.js', async () => {
    const architecture = { kind: 'unet' as const, levels: 3, base: 4 };
    const loaded: LoadedModel = {
      dir: '(in training)',
      model: buildUnet(architecture, 11),
      meta: { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 64, overlap: 8 } },
    };
    const ort = await open(loaded, { provider: 'cpu' });
    const local = await open(loaded, { provider: 'tfjs' });
    expect(ort.dir).toBe('(in training)');
    const stack = crop(90, 70, 1);
    const expected = await predictVolume(stack, local);
    expect(difference(await predictVolume(stack, ort), expected).max).toBeLessThanOrEqual(1);
    // predictVolume given the model itself takes the same path (what training's scoring calls).
    expect(difference(await predictVolume(stack, loaded), expected).max).toBeLessThanOrEqual(1);
    loaded.model.dispose();
  }, 60_000);

  it.skipIf(build !== null && 'missing' in build)('runs in the background, on a worker thread, with the same bytes as on this thread', async () => {
    if (build && 'stale' in build) throw new Error(`build/ is older than ${build.stale}: run \`npm run build:node\` first.`);
    const here = await open(shippedModelDir(), { provider: 'cpu', threads: 1 });
    const background = await open(shippedModelDir(), { provider: 'cpu', threads: 1, background: true });
    expect(background.provider.name).toBe('cpu');
    const stack = crop(150, 100, 3);
    const slices: number[] = [];
    const bytes = await predictVolume(stack, background, { maxTile: 96, onSlice: (z) => void slices.push(z) });
    expect(Buffer.from(bytes).equals(Buffer.from(await predictVolume(stack, here, { maxTile: 96 })))).toBe(true);
    expect(slices.sort()).toEqual([0, 1, 2]);
    // Reused: a second call on the same predictor, and cancellation leaves it usable.
    const controller = new AbortController();
    await expect(predictVolume(stack, background, { maxTile: 96, signal: controller.signal, onProgress: () => controller.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Buffer.from(await predictVolume(stack, background, { maxTile: 96 })).equals(Buffer.from(bytes))).toBe(true);
  }, 60_000);

  it('refuses an execution provider it does not have, naming those it has', async () => {
    await expect(openPredictor(shippedModelDir(), { provider: 'tensorrt' })).rejects.toThrow(/MEMBRANA_EP="tensorrt" is not an execution provider Membrana knows\. Available here: .*cpu, tfjs\./);
    const foreign = process.platform === 'win32' ? 'coreml' : 'dml';
    await expect(openPredictor(shippedModelDir(), { provider: foreign })).rejects.toMatchObject({ code: 'UNSUPPORTED_PROVIDER', message: expect.stringContaining('Available here:') });
  });
});
