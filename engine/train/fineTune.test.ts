import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { buildUnet, type UnetArchitecture } from '../model/buildUnet.js';
import { DEFAULT_NORMALIZATION, type LoadedModel } from '../model/modelFolder.js';
import { tf } from '../model/tfjs.js';
import type { SliceCorrection } from '../review/SliceCorrection.js';
import { TRAINING_WORKER_SOURCES, workerBuild } from '../workers/testing/workerBuild.js';
import { fineTune, type FineTuneOptions, type FineTuneResult } from './fineTune.js';
import { syntheticStack } from './testing/syntheticStack.js';
import { useWasmBackend } from './testing/useWasmBackend.js';

const SIZE = 64;
const architecture: UnetArchitecture = { kind: 'unet', levels: 2, base: 4 };
const { images, labels } = syntheticStack(SIZE, 4);
const plane = SIZE * SIZE;

function startingModel(seed = 7): LoadedModel {
  return {
    dir: '(test model)',
    model: buildUnet(architecture, seed),
    meta: { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: SIZE, overlap: 8 } },
  };
}

/** The true labels of slice z as a correction (membrane 1, cell 2), optionally only where `keep` says. */
function correction(z: number, keep: (x: number, y: number) => boolean = () => true): SliceCorrection {
  const truth = (labels.data as Uint8Array).subarray(z * plane, (z + 1) * plane);
  return { z, labels: Uint8Array.from(truth, (v, i) => (keep(i % SIZE, Math.floor(i / SIZE)) ? (v === 0 ? 1 : 2) : 0)) };
}

const weightsOf = (model: LayersModel): number[] => model.getWeights().flatMap((w) => Array.from(w.dataSync()));

const results: FineTuneResult[] = [];
/**
 * fineTune, keeping the result to dispose its model after the tests. The starting models here are
 * untrained, so every layer is trained (the default from a model trains the first block only),
 * and they are not tried with the contrast inverted (an untrained model may do better so by chance).
 */
async function run(options: Partial<FineTuneOptions> & Pick<FineTuneOptions, 'model'>): Promise<FineTuneResult> {
  const result = await fineTune({ images, corrections: [correction(0)], validationSlices: [], steps: 3, patch: 32, learningRate: 3e-3, trainable: 'all', tryInvertedContrast: false, ...options });
  results.push(result);
  return result;
}
useWasmBackend();
afterAll(() => results.forEach((r) => r.model.dispose()));

describe('fineTune', () => {
  const start = startingModel();

  it('learns from the corrections: the loss falls and the validation slice scores better', async () => {
    const original = weightsOf(start.model);
    const progress: { step: number; stage: string; etaSeconds: number | null }[] = [];
    const result = await run({
      model: start,
      corrections: [correction(0), correction(1), correction(2), correction(3)],
      validationSlices: [2, 3],
      steps: 30,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ steps: 30, cancelled: false, trainSlices: [0, 1], labelledPixels: 2 * plane });
    expect(result.losses).toHaveLength(30);
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(result.losses.slice(-5))).toBeLessThan(0.8 * mean(result.losses.slice(0, 5)));
    expect(result.before).toMatchObject({ slices: [2, 3], labelled_pixels: 2 * plane });
    expect(result.after!.error).toBeLessThan(result.before!.error);
    // Slices 2 and 3 are fully corrected, so the segment scores mean something and are given.
    expect(result.after!.v_rand).toBeGreaterThan(result.before!.v_rand!);
    expect(result.verdict).toMatchObject({ better: true, reason: expect.stringMatching(/^Fewer errors: error on held-out corrections/) });
    expect(result.heldOut).toMatch(/validation slices 2, 3/);
    expect(result.train_px_per_s).toBeGreaterThan(0);
    // The starting model is untouched and still usable; the result is another model.
    expect(weightsOf(start.model)).toEqual(original);
    expect(weightsOf(result.model)).not.toEqual(original);
    const probe = tf.zeros([1, 32, 32, 1]);
    const output = start.model.predict(probe) as tf.Tensor;
    expect(output.shape).toEqual([1, 32, 32, 1]);
    tf.dispose([probe, output]);
    // Progress: scoring the start, then every step with an ETA, judged at step 20 and at the end.
    expect(progress[0]).toMatchObject({ step: 0, stage: expect.stringMatching(/Scoring the starting model/) });
    expect(progress.filter((p) => /^Fine-tuning, step \d+ of 30/.test(p.stage)).map((p) => p.step)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(progress.filter((p) => /^Scoring step/.test(p.stage)).map((p) => p.step)).toEqual([20, 30]);
    expect(progress.at(-1)).toMatchObject({ step: 30, stage: expect.stringMatching(/Scoring step 30/), etaSeconds: expect.any(Number) });
    expect(result.bestStep === 20 || result.bestStep === 30).toBe(true);
    // The run is recorded in the metadata, after what the model's training recorded.
    expect(result.meta.training?.fine_tuning).toEqual([expect.objectContaining({ steps: 30, best_step: result.bestStep, backend: expect.stringMatching(/^WebAssembly/), train_slices: [0, 1], validation_slices: [2, 3], before: result.before, after: result.after, verdict: expect.objectContaining({ better: true }) })]);
  }, 60_000);

  it('trains only on labelled pixels of training slices: unlabelled labels, other slices and validation corrections change nothing', async () => {
    // A stroke region on slice 0 and a validation correction on slice 2.
    const stroke = (x: number, y: number): boolean => x >= 40 && x < 52 && y >= 3 && y < 20;
    // Only the painted pixels: no reviewed context around the stroke (tested below).
    const a = await run({ model: start, corrections: [correction(0, stroke), correction(2)], validationSlices: [2], reviewedContext: null });
    expect(a.trainSlices).toEqual([0]);
    expect(a.labelledPixels).toBe(12 * 17);
    // Slice 1's image, slice 2's correction and the values under slice 0's unlabelled pixels differ.
    const otherImages = { ...images, data: images.data.map((v, i) => (i >= plane && i < 2 * plane ? 255 - v : v)) };
    const otherValidation = { z: 2, labels: correction(2).labels.map((v) => 3 - v) };
    const b = await fineTune({ images: otherImages, corrections: [correction(0, stroke), otherValidation], validationSlices: [2], model: start, steps: 3, patch: 32, learningRate: 3e-3, trainable: 'all', tryInvertedContrast: false, reviewedContext: null });
    results.push(b);
    expect(weightsOf(b.model)).toEqual(weightsOf(a.model));
    expect(b.losses).toEqual(a.losses);
    expect(b.before).not.toEqual(a.before);
    // By default the starting model's confident pixels around the stroke count as confirmed, on its slice only.
    const c = await run({ model: start, corrections: [correction(0, stroke), correction(2)], validationSlices: [2] });
    expect(c.trainSlices).toEqual([0]);
    expect(c.labelledPixels).toBeGreaterThan(12 * 17);
    expect(c.labelledPixels).toBeLessThanOrEqual((12 + 64) * (17 + 64));
  }, 60_000);

  it('keeps the starting model as a candidate: a run that only makes things worse is judged not better', async () => {
    // A decent model, then a learning rate far too high that wrecks it: the verdict must say so.
    const all = [correction(0), correction(1), correction(2), correction(3)];
    const decent = await run({ model: start, corrections: all, validationSlices: [2, 3], steps: 30 });
    const result = await run({ model: { dir: '(decent)', model: decent.model, meta: decent.meta }, corrections: [correction(0), correction(1), correction(2), correction(3)], validationSlices: [2, 3], steps: 4, learningRate: 5, evalEvery: 2 });
    expect(result.verdict.better).toBe(false);
    expect(result.verdict.reason).toMatch(/^(More errors|Not clearly better)/);
    expect(result.after!.error).toBeGreaterThanOrEqual(result.before!.error - 2 * (result.verdict.noise ?? 0));
  }, 60_000);

  it('on images with the contrast inverted, starts from the model with its contrast flipped and says so; on the images it knows, does not', async () => {
    const all = [correction(0), correction(1), correction(2), correction(3)];
    const decent = await run({ model: start, corrections: all, validationSlices: [2, 3], steps: 30 });
    const trained: LoadedModel = { dir: '(decent)', model: decent.model, meta: decent.meta };
    const inverted = { ...images, data: images.data.map((v) => 255 - v) };
    const flipped = await fineTune({ model: trained, images: inverted, corrections: all, validationSlices: [2, 3], steps: 2, patch: 32, learningRate: 1e-4 });
    results.push(flipped);
    // The flipped start scores as the decent model did on the images it knows (exactly: z-scoring makes inversion a sign change).
    expect(flipped.before!.error).toBeGreaterThan(decent.after!.error + 0.1);
    expect(flipped.after!.error).toBeLessThanOrEqual(decent.after!.error + 1e-4);
    expect(flipped.verdict.better).toBe(true);
    expect(flipped.verdict.reason).toMatch(/^These images have the contrast inverted .* training started from the model with its contrast flipped\. Fewer errors/);
    expect(flipped.meta.training?.fine_tuning).toEqual([expect.anything(), expect.objectContaining({ inverted_contrast: true })]);
    const plain = await fineTune({ model: trained, images, corrections: all, validationSlices: [2, 3], steps: 2, patch: 32, learningRate: 1e-4 });
    results.push(plain);
    expect(plain.meta.training?.fine_tuning).toEqual([expect.anything(), expect.objectContaining({ inverted_contrast: false })]);
    expect(plain.verdict.reason).not.toMatch(/inverted/);
    // By default a fine-tune from a model changes the first block only.
    const layerWeights = (model: LayersModel, name: string): number[] => model.getLayer(name).getWeights().flatMap((w) => Array.from(w.dataSync()));
    const moved = plain.model.layers.filter((l) => l.weights.length > 0).map((l) => l.name).filter((name) => layerWeights(plain.model, name).some((v, i) => v !== layerWeights(trained.model, name)[i]));
    expect(moved).toEqual(['down0_conv1', 'down0_conv2']);
  }, 60_000);

  it('sets a share of the corrections aside when no validation slice is corrected', async () => {
    const wide = syntheticStack(192, 3);
    const truth = (z: number): SliceCorrection => ({ z, labels: Uint8Array.from((wide.labels.data as Uint8Array).subarray(z * 192 * 192, (z + 1) * 192 * 192), (v) => (v === 0 ? 1 : 2)) });
    const base = startingModel();
    const model: LoadedModel = { ...base, meta: { ...base.meta, tile: { size: 192, overlap: 8 } } };
    const result = await fineTune({ model, images: wide.images, corrections: [truth(0), truth(1)], validationSlices: [], steps: 2, patch: 64, learningRate: 3e-3 });
    results.push(result);
    expect(result.heldOut).toMatch(/tiles of 64² .* set aside automatically from slices 0, 1/);
    expect(result.before).not.toBeNull();
    expect(result.before!.v_rand).toBeNull();
    expect(result.labelledPixels).toBeLessThan(0.8 * 2 * 192 * 192);
    base.model.dispose();
  }, 60_000);

  it('stops after the step in progress when aborted, with that step’s model, scored', async () => {
    const full = await run({ model: start, steps: 6, corrections: [correction(0), correction(3)], validationSlices: [3] });
    const stopAt3 = async (): Promise<FineTuneResult> => {
      const controller = new AbortController();
      return run({ model: start, steps: 6, corrections: [correction(0), correction(3)], validationSlices: [3], signal: controller.signal, onProgress: (p) => p.step === 3 && controller.abort() });
    };
    const stopped = await stopAt3();
    expect(stopped).toMatchObject({ cancelled: true, steps: 3 });
    expect(stopped.losses).toEqual(full.losses.slice(0, 3));
    expect(stopped.after).not.toBeNull();
    expect(stopped.meta.training?.fine_tuning).toEqual([expect.objectContaining({ steps: 3, planned_steps: 6, cancelled: true })]);
    // The model as of step 3, reproducibly: neither the start nor the end of the full run.
    const again = await stopAt3();
    expect(weightsOf(again.model)).toEqual(weightsOf(stopped.model));
    expect(weightsOf(stopped.model)).not.toEqual(weightsOf(full.model));
    expect(weightsOf(stopped.model)).not.toEqual(weightsOf(start.model));
  }, 60_000);

  it('rejects with code CANCELLED when aborted before the first step', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(run({ model: start, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED', name: 'AbortError' });
    await expect(run({ model: start, corrections: [correction(0), correction(3)], validationSlices: [3], signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
      message: expect.stringMatching(/cancelled before its first step/),
    });
  });

  it('asks for corrections outside the validation slices, and checks its inputs', async () => {
    const none = /Paint some corrections on slices that are not marked for validation first/;
    await expect(run({ model: start, corrections: [correction(3)], validationSlices: [3] })).rejects.toThrow(none);
    await expect(run({ model: start, corrections: [{ z: 0, labels: new Uint8Array(plane) }] })).rejects.toMatchObject({ code: 'NO_CORRECTIONS' });
    await expect(run({ model: start, corrections: [] })).rejects.toThrow(none);
    await expect(run({ model: start, patch: 33 })).rejects.toThrow(/patch 33 must be a positive multiple of 2/);
    await expect(run({ model: start, corrections: [{ z: 0, labels: new Uint8Array(plane).fill(3) }] })).rejects.toThrow(/slice 0 has the value 3 at x 0, y 0; use 0 \(unlabelled\), 1 \(membrane\) or 2 \(cell\)/);
    await expect(run({ model: start, corrections: [{ z: 9, labels: new Uint8Array(plane) }] })).rejects.toThrow(/slice 9, outside the stack \(slices 0-3\)/);
    await expect(run({ model: start, validationSlices: [4] })).rejects.toThrow(/Validation slice 4 is outside the stack/);
    await expect(run({ model: start, workers: 2, batch: 1 })).rejects.toThrow(/batch \(1\) is smaller than the workers \(2\)/);
  });

  it('cuts the patch to the slice: 256 becomes 64 on 64 × 64 slices', async () => {
    const result = await run({ model: start, patch: undefined, steps: 1 });
    expect(result.meta.training?.fine_tuning).toEqual([expect.objectContaining({ patch: 64, batch: 2, learning_rate: 3e-3 })]);
  }, 60_000);
});

const build = workerBuild('train/trainingWorker.js', TRAINING_WORKER_SOURCES);
if (build && 'missing' in build) console.warn(`Skipping the fineTune test with workers: ${build.missing} is missing; run \`npm run build:node\` first.`);

describe.skipIf(build !== null && 'missing' in build)('fineTune on 2 workers', () => {
  beforeAll(() => {
    if (build && 'stale' in build) throw new Error(`build/ is older than ${build.stale}: run \`npm run build:node\` so the training workers run the current code.`);
  });

  it('trains on a TrainingPool and brings its weights back', async () => {
    const start = startingModel();
    const original = weightsOf(start.model);
    const controller = new AbortController();
    const result = await run({ model: start, steps: 4, workers: 2, signal: controller.signal, onProgress: (p) => p.step === 2 && controller.abort() });
    expect(result).toMatchObject({ steps: 2, cancelled: true });
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(weightsOf(start.model)).toEqual(original);
    expect(weightsOf(result.model)).not.toEqual(original);
  }, 60_000);
});

