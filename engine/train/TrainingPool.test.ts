import type { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildUnet } from '../model/buildUnet.js';
import { tf } from '../model/tfjs.js';
import { TRAINING_WORKER_SOURCES, workerBuild } from '../workers/testing/workerBuild.js';
import { makeBatch, scaleToUnit, sliceBatch, type TrainingBatch } from './makeBatch.js';
import { membraneLoss } from './membraneLoss.js';
import { Random } from '../base/Random.js';
import { syntheticStack } from './testing/syntheticStack.js';
import { useWasmBackend } from './testing/useWasmBackend.js';
import { loadSnapshotWeights, TrainingPool } from './TrainingPool.js';

const build = workerBuild('train/trainingWorker.js', TRAINING_WORKER_SOURCES);
if (build && 'missing' in build) console.warn(`Skipping TrainingPool tests: ${build.missing} is missing; run \`npm run build:node\` first.`);

const architecture = { kind: 'unet' as const, levels: 2, base: 2 };

function batchOf(count: number, size: number, seed = 1): TrainingBatch {
  const { images, labels } = syntheticStack();
  const plane = images.width * images.height;
  const slices = [0, 1, 2];
  const scaled = slices.map((z) => scaleToUnit(images.data.subarray(z * plane, (z + 1) * plane)));
  return makeBatch(scaled, slices, labels.data as Uint8Array, null, images.width, images.height, count, size, new Random(seed));
}

function tensors(batch: TrainingBatch): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
  const shape: [number, number, number, number] = [batch.count, batch.size, batch.size, 1];
  return [tf.tensor4d(batch.x, shape), tf.tensor4d(batch.target, shape), tf.tensor4d(batch.weight, shape)];
}

beforeAll(() => {
  if (build && 'stale' in build) throw new Error(`build/ is older than ${build.stale}: run \`npm run build:node\` so the training workers run the current code.`);
});
// The same backend here and in the workers, so the figures can be compared closely.
useWasmBackend();

describe.skipIf(build !== null && 'missing' in build)('TrainingPool', () => {
  it('averages the workers’ gradients to the one-thread gradient of the mean of the halves’ losses, and applies them as Adam does', async () => {
    const model = buildUnet(architecture, 3);
    const batch = batchOf(2, 16);
    const pool = await TrainingPool.start(model, { workers: 2, learningRate: 1e-2 });
    try {
      expect(pool.size).toBe(2);
      expect(pool.backend.choice).toBe('wasm');
      const pooled = await pool.gradients(batch);

      // The same on this thread: d/dw of (loss(first half) + loss(second half)) / 2.
      const halves = [sliceBatch(batch, 0, 1), sliceBatch(batch, 1, 1)].map(tensors);
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => tf.div(tf.addN(halves.map(([x, target, weight]) => membraneLoss(model.apply(x, { training: true }) as tf.Tensor, target, weight))), 2) as tf.Scalar,
        variables,
      );
      expect(Math.abs(pooled.loss - value.dataSync()[0]!)).toBeLessThan(1e-5);
      const byName = new Map(model.trainableWeights.map((w, i) => [w.originalName, grads[variables[i]!.name]!.dataSync()]));
      const reference = pool.weights.flatMap((name) => Array.from(byName.get(name)!));
      expect(reference).toHaveLength(pooled.gradients.length);
      expect(Math.max(...reference.map((v, i) => Math.abs(v - pooled.gradients[i]!)))).toBeLessThan(1e-5);
      expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(1e-4); // not trivially zero

      // One Adam step with those gradients, here and in the workers.
      const optimizer = tf.train.adam(1e-2);
      optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
      await pool.apply(pooled.gradients);
      const snapshot = await pool.snapshot();
      expect(snapshot.optimizer.iterations).toBe(1);
      const stepped = buildUnet(architecture, 99);
      loadSnapshotWeights(stepped, snapshot.weights);
      const a = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
      const b = stepped.getWeights().flatMap((w) => Array.from(w.dataSync()));
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-5);
      tf.dispose([value, ...Object.values(grads), ...halves.flat()]);
    } finally {
      await pool.dispose();
    }
  }, 60_000);

  it('refuses a batch smaller than the pool', async () => {
    const pool = await TrainingPool.start(buildUnet(architecture, 1), { workers: 2, learningRate: 1e-3 });
    try {
      await expect(pool.step(batchOf(1, 16))).rejects.toThrow(/batch of 1 patches cannot be split between 2 training workers/);
    } finally {
      await pool.dispose();
    }
  }, 60_000);

  it('rejects the step in progress, and later ones, with a clear error when a worker dies, instead of hanging', async () => {
    const pool = await TrainingPool.start(buildUnet({ kind: 'unet', levels: 3, base: 8 }, 1), { workers: 2, learningRate: 1e-3 });
    const step = expect(pool.step(batchOf(4, 128))).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/Training worker 2 of 2 stopped unexpectedly.*--resume/) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await (pool as unknown as { slots: { worker: Worker }[] }).slots[1]!.worker.terminate(); // as if it had crashed
    await step;
    await expect(pool.snapshot()).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    await pool.dispose();
    expect((pool as unknown as { slots: { worker: Worker }[] }).slots.map((s) => s.worker.threadId)).toEqual([-1, -1]);
  }, 60_000);

  it('refuses a worker count that is not a whole number of 1 or more', async () => {
    await expect(TrainingPool.start(buildUnet(architecture, 1), { workers: 0, learningRate: 1e-3 })).rejects.toThrow(/whole number of workers/);
  });
});
