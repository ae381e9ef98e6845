import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadModelFolder } from '../model/modelFolder.js';
import { TRAINING_WORKER_SOURCES, workerBuild } from '../workers/testing/workerBuild.js';
import { syntheticStack } from './testing/syntheticStack.js';
import { trainModel, type TrainOptions } from './trainModel.js';
import { TrainingPool } from './TrainingPool.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const synthetic = syntheticStack;

const build = workerBuild('train/trainingWorker.js', TRAINING_WORKER_SOURCES);
if (build && 'missing' in build) console.warn(`Skipping the trainModel tests with workers: ${build.missing} is missing; run \`npm run build:node\` first.`);

const settings = (outDir: string, steps: number, resume = false): TrainOptions => ({
  ...synthetic(),
  outDir,
  steps,
  resume,
  validation: [3, 3],
  batch: 1,
  patch: 16,
  epochSteps: 2,
  // Constant: a cosine schedule follows the budget, which these tests change between sittings.
  lrDecay: 'none',
  architecture: { kind: 'unet', levels: 2, base: 2 },
  backend: 'cpu (test)',
});

describe('trainModel', () => {
  it('trains, validates each epoch, keeps the best model and reports its figures', async () => {
    const out = path.join(tmp, 'run');
    const result = await trainModel(settings(out, 3));
    expect(result).toMatchObject({ steps: 3, backend: 'cpu (test)', model_dir: out });
    expect(result.train_px_per_s).toBeGreaterThan(0);
    // Validation slice 3 is fully labelled: the segment scores are given beside the pixel ones.
    expect(result.best?.v_rand).toBeGreaterThan(0);
    expect(result.best?.error).toBeGreaterThanOrEqual(0);
    expect(result).toMatchObject({ verdict: null, written: 'trained', start: null, held_out: expect.stringMatching(/validation slice 3/) });
    const log = readFileSync(path.join(out, 'training-log.jsonl'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(2); // after step 2 and at the end (step 3)
    const loaded = await loadModelFolder(out);
    expect(loaded.meta.training).toMatchObject({ best_validation: result.best });
    expect(existsSync(path.join(out, 'checkpoint', 'optimizer.bin'))).toBe(true);
  });

  it('repeats exactly from the same seed, and resumes a stopped run to the weights of an uninterrupted one', async () => {
    const straight = path.join(tmp, 'straight');
    const split = path.join(tmp, 'split');
    await trainModel(settings(straight, 4));
    await trainModel(settings(split, 2));
    const resumed = await trainModel(settings(split, 4, true));
    expect(resumed.steps).toBe(4);
    const weights = async (dir: string): Promise<number[]> =>
      (await loadModelFolder(path.join(dir, 'checkpoint'))).model.getWeights().flatMap((w) => Array.from(w.dataSync()));
    const again = path.join(tmp, 'again');
    await trainModel(settings(again, 4));
    const a = await weights(straight);
    expect(await weights(again)).toEqual(a);
    // Adam's restored bias correction is beta^t computed by pow, not by t multiplications, so a
    // resumed run agrees to float rounding rather than bit for bit.
    const b = await weights(split);
    const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    expect(worst).toBeLessThan(1e-5);
  });

  it('from a model: judges the start first, and writes it back (the trained one aside) when training does not beat it', async () => {
    const base = path.join(tmp, 'init-base');
    await trainModel({ ...settings(base, 6), learningRate: 3e-3 });
    const out = path.join(tmp, 'init-worse');
    const lines: string[] = [];
    // A learning rate far too high: the trained model is worse.
    const result = await trainModel({ ...settings(out, 2), init: base, validation: [2, 3], learningRate: 5, log: (line) => lines.push(line) });
    expect(result.start).not.toBeNull();
    expect(result.verdict?.better).toBe(false);
    expect(result.written).toBe('start');
    expect(readFileSync(path.join(out, 'weights.bin'))).toEqual(readFileSync(path.join(base, 'weights.bin')));
    expect(existsSync(path.join(out, 'not-better', 'weights.bin'))).toBe(true);
    // model.onnx follows the weights: the start's in the folder, the trained one's aside.
    expect(readFileSync(path.join(out, 'model.onnx'))).toEqual(readFileSync(path.join(base, 'model.onnx')));
    expect(readFileSync(path.join(out, 'not-better', 'model.onnx'))).not.toEqual(readFileSync(path.join(base, 'model.onnx')));
    expect(lines.some((line) => /^starting model: held-out error/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Kept the starting model: /);
  }, 60_000);

  it('rejects labels that do not fit the images, and validation slices outside the stack', async () => {
    const { images, labels } = synthetic();
    await expect(trainModel({ ...settings(path.join(tmp, 'bad'), 1), labels: { ...labels, depth: 3 } })).rejects.toThrow(/labels .* do not match the images/);
    await expect(trainModel({ ...settings(path.join(tmp, 'bad'), 1), images, validation: [2, 9] })).rejects.toThrow(/not inside the stack/);
    await expect(trainModel({ ...settings(path.join(tmp, 'bad'), 1), patch: 15 })).rejects.toThrow(/multiple of 2/);
  });
});

describe.skipIf(build !== null && 'missing' in build)('trainModel on 2 workers', () => {
  const twoWorkers = (outDir: string, steps: number, resume = false): TrainOptions => ({ ...settings(outDir, steps, resume), batch: 2, workers: 2 });
  const weights = async (dir: string): Promise<number[]> => (await loadModelFolder(path.join(dir, 'checkpoint'))).model.getWeights().flatMap((w) => Array.from(w.dataSync()));
  const worst = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
  /** The worker threads of the pool trainModel starts next. */
  const watchPools = (): { threads: () => Worker[]; restore: () => void } => {
    const pools: TrainingPool[] = [];
    const start = TrainingPool.start.bind(TrainingPool);
    const spy = vi.spyOn(TrainingPool, 'start').mockImplementation(async (...args) => {
      const pool = await start(...args);
      pools.push(pool);
      return pool;
    });
    return { threads: () => (pools[0] as unknown as { slots: { worker: Worker }[] }).slots.map((slot) => slot.worker), restore: () => spy.mockRestore() };
  };

  beforeAll(() => {
    if (build && 'stale' in build) throw new Error(`build/ is older than ${build.stale}: run \`npm run build:node\` so the training workers run the current code.`);
  });

  it('trains N steps, validates, and keeps the best model and a checkpoint', async () => {
    const out = path.join(tmp, 'workers');
    const result = await trainModel(twoWorkers(out, 3));
    expect(result).toMatchObject({ steps: 3, model_dir: out });
    expect(result.train_px_per_s).toBeGreaterThan(0);
    expect(result.best?.v_rand).toBeGreaterThan(0);
    expect(readFileSync(path.join(out, 'training-log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect((await loadModelFolder(out)).meta.training).toMatchObject({ best_validation: result.best });
    expect(existsSync(path.join(out, 'checkpoint', 'optimizer.bin'))).toBe(true);
  }, 60_000);

  it('repeats exactly from the same seed, and resumes a stopped run to the weights of an uninterrupted one', async () => {
    const [straight, again, split] = ['w-straight', 'w-again', 'w-split'].map((name) => path.join(tmp, name)) as [string, string, string];
    await trainModel(twoWorkers(straight, 4));
    await trainModel(twoWorkers(again, 4));
    await trainModel(twoWorkers(split, 2));
    expect((await trainModel(twoWorkers(split, 4, true))).steps).toBe(4);
    const a = await weights(straight);
    expect(await weights(again)).toEqual(a);
    expect(worst(a, await weights(split))).toBeLessThan(1e-5);
    // The run really trained: the weights moved from the start.
    const start = path.join(tmp, 'w-start');
    await trainModel(twoWorkers(start, 1));
    expect(worst(a, await weights(start))).toBeGreaterThan(1e-4);
  }, 120_000);

  it('resumes a one-thread checkpoint on 2 workers and the other way round', async () => {
    const out = path.join(tmp, 'w-mixed');
    await trainModel({ ...settings(out, 2), batch: 2 });
    expect((await trainModel(twoWorkers(out, 3, true))).steps).toBe(3);
    expect((await trainModel({ ...settings(out, 4, true), batch: 2 })).steps).toBe(4);
    const state = JSON.parse(readFileSync(path.join(out, 'checkpoint', 'state.json'), 'utf8')) as { step: number; optimizer: { name: string }[]; variables: string[] };
    expect(state.step).toBe(4);
    expect(state.variables).toHaveLength(16); // 8 layers' kernels and biases
    expect(state.optimizer).toHaveLength(1 + 2 * 16); // iterations and both Adam moments of each
  }, 120_000);

  it('ends promptly after the step in progress when cancelled, with a checkpoint, and stops its workers', async () => {
    const out = path.join(tmp, 'w-cancel');
    const controller = new AbortController();
    const { threads, restore } = watchPools();
    try {
      const started = performance.now();
      const result = await trainModel({
        ...twoWorkers(out, 100_000),
        epochSteps: 1000,
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.stage.startsWith('Training step 2,')) controller.abort();
        },
      });
      expect(result.steps).toBe(2);
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(existsSync(path.join(out, 'checkpoint', 'state.json'))).toBe(true);
      expect(threads().map((w) => w.threadId)).toEqual([-1, -1]);
    } finally {
      restore();
    }
  }, 60_000);

  it('rejects with a clear error, and stops its workers, when a worker dies', async () => {
    const { threads, restore } = watchPools();
    try {
      const run = trainModel({
        ...twoWorkers(path.join(tmp, 'w-crash'), 100_000),
        onProgress: (progress) => {
          if (progress.stage.startsWith('Training step 1,')) void threads()[1]!.terminate(); // as if it had crashed
        },
      });
      await expect(run).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/Training worker 2 of 2 stopped unexpectedly .*--resume/) });
      expect(threads().map((w) => w.threadId)).toEqual([-1, -1]);
    } finally {
      restore();
    }
  }, 60_000);

  it('refuses a batch smaller than the worker count', async () => {
    await expect(trainModel({ ...settings(path.join(tmp, 'w-bad'), 1), workers: 2 })).rejects.toThrow(/--batch 1 is smaller than --workers 2/);
    await expect(trainModel({ ...settings(path.join(tmp, 'w-bad'), 1), workers: 1.5 })).rejects.toThrow(/--workers must be a whole number/);
  });
});
