import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAppRoot } from '../base/appRoot.js';
import { buildUnet } from '../model/buildUnet.js';
import { DEFAULT_NORMALIZATION, loadModelFolder, saveModelFolder, type LoadedModel, type ModelMeta } from '../model/modelFolder.js';
import { selectBackend } from '../model/selectBackend.js';
import { workerBuild } from '../workers/testing/workerBuild.js';
import { PredictionPool } from './PredictionPool.js';
import { predictSlice } from './predictSlice.js';
import { predictVolume } from './predictVolume.js';

// The workers run the compiled build/: skipped without it, failing when it is older than the sources.
const build = workerBuild('predict/predictionWorker.js', ['engine/predict', 'engine/model', 'engine/model/kernels', 'engine/workers']);
if (build && 'missing' in build) console.warn(`Skipping PredictionPool tests: ${build.missing} is missing; run \`npm run build:node\` first.`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-pool-'));
const architecture = { kind: 'unet' as const, levels: 2, base: 2 };
const meta: ModelMeta = { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 48, overlap: 8 } };
const modelDir = path.join(tmp, 'model');
let loaded: LoadedModel;

function volume(width: number, height: number, depth: number): { width: number; height: number; depth: number; data: Uint16Array } {
  return { width, height, depth, data: new Uint16Array(width * height * depth).map((_, i) => 1000 + ((i * 7919) % 3000)) };
}

function workersOf(pool: PredictionPool): Worker[] {
  return (pool as unknown as { slots: { worker: Worker }[] }).slots.map((slot) => slot.worker);
}

beforeAll(async () => {
  if (build && 'stale' in build) throw new Error(`build/ is older than ${build.stale}: run \`npm run build:node\` so the prediction workers run the current code.`);
  // The same backend here and in the workers, so the bytes can be compared: these are the
  // TensorFlow.js pool's tests (openPredictor.test.ts has ONNX Runtime's).
  process.env.MEMBRANA_BACKEND = 'wasm';
  process.env.MEMBRANA_EP = 'tfjs';
  await selectBackend('wasm');
  await saveModelFolder(modelDir, buildUnet(architecture, 1), meta);
  loaded = await loadModelFolder(modelDir);
}, 60_000);
afterAll(() => {
  delete process.env.MEMBRANA_EP;
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(build !== null && 'missing' in build)('PredictionPool', () => {
  it('gives the same bytes as one thread: slices and tiles over 2 workers, from a folder or from memory', async () => {
    const stack = volume(70, 45, 3);
    const single = await predictVolume(stack, loaded);
    const fractions: number[] = [];
    const pool = await PredictionPool.start({ dir: modelDir }, 2);
    try {
      expect(pool.size).toBe(2);
      expect(pool.meta).toEqual(meta);
      expect(pool.provider).toMatchObject({ name: 'tfjs', description: expect.stringContaining('WebAssembly') });
      const pooled = await predictVolume(stack, pool, { onProgress: (p) => fractions.push(p.fraction!) });
      expect(Buffer.from(pooled).equals(Buffer.from(single))).toBe(true);
      expect(fractions.at(-1)).toBe(1);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      // TTA, and a slice whose 6 tiles are shared between the workers.
      const tta = await predictVolume(stack, loaded, { tta: true });
      expect(Buffer.from(await predictVolume(stack, pool, { tta: true })).equals(Buffer.from(tta))).toBe(true);
      // Several tiles per forward pass.
      const input = Float32Array.from(stack.data.subarray(0, 70 * 45), (v) => (v - 2500) / 900);
      const options = { maxTile: 32, overlap: 8, multiple: 2, batch: 3 };
      const reference = await predictSlice(loaded.model, input, 70, 45, options);
      expect(Buffer.from((await pool.predictSlice(input, 70, 45, options)).buffer).equals(Buffer.from(reference.buffer))).toBe(true);
    } finally {
      await pool.dispose();
    }
    // `workers` starts a pool from the in-memory model for one call.
    expect(Buffer.from(await predictVolume(stack, loaded, { workers: 2 })).equals(Buffer.from(single))).toBe(true);
  }, 60_000);

  it('stops promptly when cancelled, drops the queued tiles, and stays usable', async () => {
    const pool = await PredictionPool.start(loaded, 2);
    try {
      const controller = new AbortController();
      let tiles = 0;
      const big = volume(400, 400, 4);
      const started = performance.now();
      const run = predictVolume(big, pool, {
        tta: true,
        maxTile: 32,
        signal: controller.signal,
        onProgress: () => {
          if (++tiles === 3) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(tiles).toBeLessThan(10); // of 4 × 625
      // Workers are free again at once: queued tiles were never sent, running ones stopped.
      const after = await pool.predictSlice(new Float32Array(40 * 40), 40, 40, { maxTile: 48, overlap: 8, multiple: 2 });
      expect(after.length).toBe(1600);
      expect(performance.now() - started).toBeLessThan(20_000);
      await expect(pool.predictSlice(new Float32Array(16), 4, 4, { maxTile: 48, overlap: 8, multiple: 2, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      await pool.dispose();
    }
  }, 60_000);

  it('rejects with an error naming the folder when the workers cannot load the model', async () => {
    const broken = path.join(tmp, 'broken');
    await saveModelFolder(broken, buildUnet(architecture, 1), meta);
    truncateSync(path.join(broken, 'weights.bin'), 100);
    await expect(PredictionPool.start({ dir: broken }, 2)).rejects.toMatchObject({ code: 'MODEL_CORRUPT', message: expect.stringContaining(broken), file: expect.stringContaining(broken), hint: expect.any(String) });
    await expect(PredictionPool.start({ dir: path.join(tmp, 'nowhere') }, 1)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining(path.join(tmp, 'nowhere')) });
  }, 60_000);

  it('rejects pending calls, now and later, when a worker dies, instead of hanging', async () => {
    const pool = await PredictionPool.start(loaded, 2);
    const run = expect(predictVolume(volume(200, 200, 4), pool, { tta: true, maxTile: 32 })).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/worker 2 of 2 stopped unexpectedly/) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await workersOf(pool)[1]!.terminate(); // as if it had crashed
    await run;
    await expect(pool.predictSlice(new Float32Array(16), 4, 4, { maxTile: 48, overlap: 8, multiple: 2 })).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    await pool.dispose();
    expect(workersOf(pool).map((w) => w.threadId)).toEqual([-1, -1]);
  }, 60_000);

  it('dispose stops the workers and rejects calls in flight', async () => {
    const pool = await PredictionPool.start({ dir: modelDir }, 2);
    const exits = workersOf(pool).map((w) => new Promise((resolve) => w.once('exit', resolve)));
    const run = expect(pool.predictSlice(new Float32Array(300 * 300), 300, 300, { maxTile: 32, overlap: 8, multiple: 2, tta: true })).rejects.toThrow(/disposed/);
    await pool.dispose();
    await run;
    await Promise.all(exits);
    await pool.dispose(); // twice is fine
    await expect(pool.predictSlice(new Float32Array(16), 4, 4, { maxTile: 48, overlap: 8, multiple: 2 })).rejects.toThrow(/disposed/);
  }, 60_000);

  it('does not keep a process alive: it exits after dispose, and even when the owner forgets', async () => {
    const script = (dispose: boolean): string => `
      const { PredictionPool } = await import(${JSON.stringify(path.join(findAppRoot(), 'build/engine/predict/PredictionPool.js'))});
      const pool = await PredictionPool.start({ dir: ${JSON.stringify(modelDir)} }, 2);
      await pool.predictSlice(new Float32Array(64 * 64), 64, 64, { maxTile: 48, overlap: 8, multiple: 2 });
      ${dispose ? 'await pool.dispose();' : ''}
      console.log('done');`;
    for (const dispose of [true, false]) {
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script(dispose)], { timeout: 30_000 });
      expect(stdout.trim()).toBe('done');
    }
  }, 60_000);
});
