#!/usr/bin/env node
/**
 * Training throughput of the shipped U-Net on one thread, for a GPU machine:
 *   MEMBRANA_BACKEND=webgpu node build/engine/bench/gpuTrainBench.js [--steps 30] [--batch 4] [--patch 256]
 *     [--images train-volume.tif --labels train-labels.tif] [--lr 1e-4] [--profile]
 * Runs from build/ and node_modules only (no npm, no network). Without --images the patches are
 * random; with ISBI stacks they are augmented patches made as training makes them, and the time
 * to make them on the CPU is reported apart from the step. The first steps compile the GPU
 * shaders, so they are reported apart. Prints one JSON line last. Any backend works
 * (MEMBRANA_BACKEND=wasm for a comparison); the adapter is named in the backend description.
 * --profile runs one more step under tf.profile and lists the kernels that took longest (GPU
 * time where the adapter has timestamp queries, else time to dispatch).
 */
import { parseArgs } from 'node:util';
import { sizeMultiple } from '../model/buildUnet.js';
import { loadModelFolder, shippedModelDir } from '../model/modelFolder.js';
import { releaseBackend, selectBackend } from '../model/selectBackend.js';
import { tf } from '../model/tfjs.js';
import { makeBatch, scaleToUnit, type TrainingBatch } from '../train/makeBatch.js';
import { membraneLoss } from '../train/membraneLoss.js';
import { Random } from '../base/Random.js';

const WARM_UP = 2;
const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '30' },
    batch: { type: 'string', default: '4' },
    patch: { type: 'string', default: '256' },
    lr: { type: 'string', default: '1e-4' },
    images: { type: 'string' },
    labels: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const steps = whole('steps', values.steps);
const batchSize = whole('batch', values.batch);
const patch = whole('patch', values.patch);
const learningRate = Number(values.lr);
if (!(learningRate > 0)) throw new Error(`--lr ${values.lr} must be a positive number.`);
if ((values.images === undefined) !== (values.labels === undefined)) throw new Error('Give both --images and --labels (ISBI-style stacks), or neither for random patches.');

const backend = await selectBackend();
console.log(`Backend: ${backend.description}${backend.skipped.length > 0 ? ` (skipped: ${backend.skipped.join('; ')})` : ''}`);
const { model, meta } = await loadModelFolder(shippedModelDir());
if (patch % sizeMultiple(meta.architecture) !== 0) throw new Error(`--patch ${patch} must be a multiple of ${sizeMultiple(meta.architecture)} for the shipped model.`);
const nextBatch = await batchSource();
const optimizer = tf.train.adam(learningRate);
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);

const times = { batch: 0, step: 0, warmUp: 0 };
const losses: number[] = [];
for (let step = 0; step < WARM_UP + steps; step++) {
  const t0 = performance.now();
  const batch = nextBatch();
  const t1 = performance.now();
  const shape: [number, number, number, number] = [batch.count, batch.size, batch.size, 1];
  const [x, target, weight] = [tf.tensor4d(batch.x, shape), tf.tensor4d(batch.target, shape), tf.tensor4d(batch.weight, shape)];
  const cost = optimizer.minimize(() => membraneLoss(model.apply(x, { training: true }) as tf.Tensor, target, weight), true, variables)!;
  losses.push((await cost.data())[0]!); // waits for the GPU to finish the step
  tf.dispose([cost, x, target, weight]);
  const t2 = performance.now();
  if (step < WARM_UP) {
    times.warmUp += t2 - t0;
  } else {
    times.batch += t1 - t0;
    times.step += t2 - t1;
  }
}
const pixels = steps * batchSize * patch * patch;
const result = {
  backend: backend.description,
  choice: backend.choice,
  data: values.images ? 'isbi' : 'random',
  steps,
  batch: batchSize,
  patch,
  warm_up_seconds: Number((times.warmUp / 1000).toFixed(2)),
  step_ms: Number((times.step / steps).toFixed(1)),
  batch_ms: Number((times.batch / steps).toFixed(1)),
  // Steps alone, and steps with the batches made on this thread in between (as one-thread training runs).
  train_px_per_s: Math.round(pixels / (times.step / 1000)),
  train_with_batches_px_per_s: Math.round(pixels / ((times.step + times.batch) / 1000)),
  loss_first: Number(losses[WARM_UP]!.toFixed(4)),
  loss_last: Number(losses.at(-1)!.toFixed(4)),
  tensors_left: tf.memory().numTensors,
};
console.log(`${steps} steps of ${batchSize} × ${patch}² (${result.data} patches) after ${WARM_UP} warm-up steps (${result.warm_up_seconds} s, shader compilation on a GPU):`);
console.log(`  ${result.step_ms} ms per step, ${result.train_px_per_s.toLocaleString('en')} px/s; making batches on the CPU ${result.batch_ms} ms per step (${result.train_with_batches_px_per_s.toLocaleString('en')} px/s together)`);
if (values.profile) await profileStep();
console.log(JSON.stringify(result));
optimizer.dispose();
model.dispose();
await releaseBackend();

/** One step under tf.profile: the kernels by total time, with their input shapes. */
async function profileStep(): Promise<void> {
  const batch = nextBatch();
  const shape: [number, number, number, number] = [batch.count, batch.size, batch.size, 1];
  const [x, target, weight] = [tf.tensor4d(batch.x, shape), tf.tensor4d(batch.target, shape), tf.tensor4d(batch.weight, shape)];
  const profile = await tf.profile(async () => {
    const cost = optimizer.minimize(() => membraneLoss(model.apply(x, { training: true }) as tf.Tensor, target, weight), true, variables)!;
    await cost.data();
    cost.dispose();
  });
  tf.dispose([x, target, weight]);
  const groups = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  for (const kernel of profile.kernels) {
    const key = `${kernel.name} ${kernel.inputShapes.map((s) => `[${s?.join('×') ?? ''}]`).join(' ')}`;
    const ms = Number(kernel.kernelTimeMs) || 0;
    total += ms;
    const group = groups.get(key) ?? { ms: 0, calls: 0 };
    group.ms += ms;
    group.calls++;
    groups.set(key, group);
  }
  console.log(`Profile of one step: ${profile.kernels.length} kernels, ${total.toFixed(1)} ms in kernels. Longest:`);
  for (const [key, group] of [...groups].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.log(`  ${group.ms.toFixed(1).padStart(8)} ms  ${String(group.calls).padStart(3)}×  ${key}`);
  }
}

/** A function giving the next batch: random values, or augmented patches of the given stacks. */
async function batchSource(): Promise<() => TrainingBatch> {
  const random = new Random(1);
  if (values.images === undefined || values.labels === undefined) {
    const n = batchSize * patch * patch;
    return () => ({
      count: batchSize,
      size: patch,
      x: Float32Array.from({ length: n }, () => random.normal()),
      target: Float32Array.from({ length: n }, () => (random.next() < 0.3 ? 1 : 0)),
      weight: new Float32Array(n).fill(1),
    });
  }
  // Loaded here, so random patches need none of the image readers' packages.
  const { readVolume } = await import('../io/readVolume.js');
  const [images, labels] = await Promise.all([readVolume(values.images), readVolume(values.labels)]);
  if (labels.dtype !== 'uint8' || labels.width !== images.width || labels.height !== images.height || labels.depth !== images.depth) {
    throw new Error(`${values.labels} must be 8-bit labels (0 membrane, 255 cell) of the size of ${values.images}.`);
  }
  const plane = images.width * images.height;
  const slices = Array.from({ length: images.depth }, (_, z) => z);
  const scaled = slices.map((z) => scaleToUnit(images.data.subarray(z * plane, (z + 1) * plane)));
  return () => makeBatch(scaled, slices, labels.data as Uint8Array, null, images.width, images.height, batchSize, patch, random);
}

function whole(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} ${text} must be a whole number, 1 or more.`);
  return value;
}
