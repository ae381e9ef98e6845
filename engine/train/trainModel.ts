import { mkdir, appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Progress } from '../../protocol/contract.js';
import type { Volume } from '../io/Volume.js';
import { evaluateSlices } from '../metrics/evaluateSlices.js';
import { buildUnet, DEFAULT_ARCHITECTURE, sizeMultiple, type UnetArchitecture } from '../model/buildUnet.js';
import { DEFAULT_NORMALIZATION, loadModelFolder, saveModelFolder, type ModelMeta } from '../model/modelFolder.js';
import { normalizeSlice } from '../model/normalizeSlice.js';
import { tf } from '../model/tfjs.js';
import { predictSlice } from '../predict/predictSlice.js';
import { readAdamState, setAdamLearningRate, writeAdamState, type AdamState } from './adamState.js';
import { makeBatch, scaleToUnit } from './makeBatch.js';
import { membraneLoss } from './membraneLoss.js';
import { Random } from './Random.js';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, weightNames, type TrainingState } from './trainingCheckpoint.js';
import { loadSnapshotWeights, TrainingPool } from './TrainingPool.js';

export interface TrainOptions {
  images: Volume;
  /** ISBI convention: 0 membrane, 255 cell, other values unlabelled. */
  labels: Volume;
  /** Optional: nonzero = labelled. */
  mask?: Volume | null;
  outDir: string;
  /** Start from this model folder's weights (fine-tuning). */
  init?: string | null;
  minutes?: number;
  steps?: number;
  /** Validation slices, inclusive: [first, last]. */
  validation: [number, number];
  resume?: boolean;
  seed?: number;
  batch?: number;
  patch?: number;
  learningRate?: number;
  /**
   * 'cosine': the learning rate falls from learningRate to learningRate/100 along a half cosine
   * over the budget (--steps, else --minutes); 'none' (default): constant.
   */
  lrDecay?: 'none' | 'cosine';
  /** Steps between validations (an "epoch"). */
  epochSteps?: number;
  /** Minutes between periodic checkpoints. */
  checkpointMinutes?: number;
  architecture?: UnetArchitecture;
  /**
   * Worker threads to train on (default 1: on this thread). With N > 1, each step's patches are
   * split between N workers and their gradients averaged (TrainingPool), so the loss optimised
   * is the patch-weighted mean of each share's membrane loss; batch must be at least N. Not a
   * run setting: a run may be resumed with another worker count.
   */
  workers?: number;
  backend: string;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  log?: (line: string) => void;
}

export interface TrainResult {
  steps: number;
  seconds: number;
  train_px_per_s: number;
  backend: string;
  best: TrainingState['best'];
  model_dir: string;
}

/**
 * Trains (or fine-tunes) the membrane U-Net on augmented patches of the training slices,
 * validating on whole held-out slices with the ISBI metrics each epoch. The best model by V_rand
 * is kept in outDir; a checkpoint (weights, Adam moments, random state) is written every few
 * minutes and at the end, so `resume` continues a killed run where it stopped, identically.
 * An aborted `signal` ends the run after the step in progress, with a checkpoint, as a finished
 * run ends. With `workers` > 1 the steps run on a TrainingPool; validation and saving use the
 * weights and optimizer state of its first worker.
 */
export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const { images, labels, outDir, validation } = options;
  checkInputs(images, labels, options.mask ?? null, validation);
  const settings = {
    seed: options.seed ?? 1,
    batch: options.batch ?? 2,
    patch: options.patch ?? 256,
    learningRate: options.learningRate ?? 1e-3,
    lrDecay: options.lrDecay ?? 'none',
    epochSteps: options.epochSteps ?? 100,
    validation,
  };
  const log = options.log ?? (() => undefined);
  await mkdir(outDir, { recursive: true });
  const optimizer = tf.train.adam(settings.learningRate);

  let model: LayersModel;
  let meta: ModelMeta;
  let state: TrainingState;
  if (options.resume && hasCheckpoint(outDir)) {
    ({ model, meta, state } = await loadCheckpoint(outDir, optimizer));
    Object.assign(settings, state.settings);
    log(`Resuming ${outDir} at step ${state.step} (${Math.round(state.seconds)} s trained so far).`);
  } else {
    if (options.resume) log(`No checkpoint in ${outDir}; starting a new run.`);
    if (options.init) {
      const loaded = await loadModelFolder(options.init);
      ({ model, meta } = loaded);
    } else {
      const architecture = options.architecture ?? DEFAULT_ARCHITECTURE;
      model = buildUnet(architecture, settings.seed);
      meta = { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 512, overlap: 32 } };
    }
    state = { step: 0, seconds: 0, randomState: new Random(settings.seed).save(), best: null, history: [], settings };
  }
  if (settings.patch % sizeMultiple(meta.architecture) !== 0) {
    throw new Error(`--patch ${settings.patch} must be a multiple of ${sizeMultiple(meta.architecture)} for this model.`);
  }
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a whole number, 1 or more, not ${workers}.`);
  if (workers > 1 && settings.batch < workers) {
    throw new Error(`--batch ${settings.batch} is smaller than --workers ${workers}: each worker trains on a share of a step's patches, so use --batch ${workers} or more.`);
  }

  const random = Random.restore(state.randomState);
  const { width, height } = images;
  const plane = width * height;
  const trainSlices = Array.from({ length: images.depth }, (_, z) => z).filter((z) => z < validation[0] || z > validation[1]);
  const valSlices = Array.from({ length: validation[1] - validation[0] + 1 }, (_, i) => validation[0] + i);
  const scaled = trainSlices.map((z) => scaleToUnit(images.data.subarray(z * plane, (z + 1) * plane)));
  const labelData = labels.data as Uint8Array;
  const maskData = options.mask ? (options.mask.data as Uint8Array) : null;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);

  const budgetSeconds = options.minutes !== undefined ? options.minutes * 60 : Infinity;
  const budgetSteps = options.steps ?? Infinity;
  let lastCheckpoint = Date.now();
  // --minutes counts wall time (validation included) over all sittings; px/s counts only steps.
  const sittingStart = performance.now();
  const secondsAtSittingStart = state.seconds;
  let trainedPixels = 0;
  let trainingSeconds = 0;
  let lossSum = 0;
  let lossCount = 0;

  const elapsed = (): number => secondsAtSittingStart + (performance.now() - sittingStart) / 1000;
  /** The learning rate for the next step: constant, or on the cosine schedule over the budget. */
  const learningRateNow = (): number => {
    if (settings.lrDecay !== 'cosine') return settings.learningRate;
    const done = Number.isFinite(budgetSteps) ? state.step / budgetSteps : Math.min(1, elapsed() / budgetSeconds);
    return cosineLearningRate(settings.learningRate, done);
  };
  const pool = workers > 1 ? await TrainingPool.start(model, { workers, learningRate: settings.learningRate, optimizer: await readAdamState(optimizer, weightNames(model)) }) : null;
  /** With a pool, brings worker 0's weights into `model`, for validation and saving, and returns its optimizer state. */
  const syncFromPool = async (): Promise<AdamState | null> => {
    if (!pool) return null;
    const snapshot = await pool.snapshot();
    loadSnapshotWeights(model, snapshot.weights);
    return snapshot.optimizer;
  };
  const writeCheckpoint = async (): Promise<void> => {
    state.seconds = elapsed();
    state.randomState = random.save();
    const poolState = await syncFromPool();
    // The checkpoint holds worker 0's Adam, in the format (and model order) of a one-thread run.
    const poolOptimizer = poolState ? tf.train.adam(settings.learningRate) : null;
    try {
      if (poolOptimizer) await writeAdamState(poolOptimizer, poolState!, weightNames(model));
      await saveCheckpoint(outDir, model, withTraining(meta, state, options.backend), poolOptimizer ?? optimizer, state);
    } finally {
      poolOptimizer?.dispose();
    }
    lastCheckpoint = Date.now();
  };

  try {
    while (state.step < budgetSteps && elapsed() < budgetSeconds) {
      if (options.signal?.aborted) break;
      const t0 = performance.now();
      const batch = makeBatch(scaled, trainSlices, labelData, maskData, width, height, settings.batch, settings.patch, random);
      let loss: number;
      const learningRate = learningRateNow();
      if (pool) {
        loss = await pool.step(batch, learningRate);
      } else {
        setAdamLearningRate(optimizer, learningRate);
        const shape: [number, number, number, number] = [batch.count, batch.size, batch.size, 1];
        const [x, target, weight] = [tf.tensor4d(batch.x, shape), tf.tensor4d(batch.target, shape), tf.tensor4d(batch.weight, shape)];
        const cost = optimizer.minimize(() => membraneLoss(model.apply(x, { training: true }) as tf.Tensor, target, weight), true, variables);
        loss = (await cost!.data())[0]!;
        tf.dispose([cost!, x, target, weight]);
      }
      // wasm resolves data() as a microtask, so without this a run never returns to the event
      // loop between validations: Ctrl+C, SIGTERM and cancel messages would wait minutes.
      await new Promise<void>((resolve) => setImmediate(resolve));
      trainingSeconds += (performance.now() - t0) / 1000;
      trainedPixels += settings.batch * settings.patch * settings.patch;
      state.step++;
      lossSum += loss;
      lossCount++;
      if (!Number.isFinite(loss)) throw new Error(`Training diverged at step ${state.step} (loss ${loss}); lower the learning rate.`);
      options.onProgress?.({
        stage: `Training step ${state.step}, loss ${(lossSum / lossCount).toFixed(4)}`,
        fraction: Number.isFinite(budgetSteps) ? state.step / budgetSteps : Number.isFinite(budgetSeconds) ? Math.min(1, elapsed() / budgetSeconds) : null,
      });

      const endOfRun = state.step >= budgetSteps || elapsed() >= budgetSeconds;
      if (state.step % settings.epochSteps === 0 || endOfRun) {
        await syncFromPool();
        const metrics = await validate(model, meta, images, labels, valSlices);
        const record = { step: state.step, seconds: Math.round(elapsed()), loss: lossSum / lossCount, ...metrics };
        state.history.push(record);
        await appendFile(path.join(outDir, 'training-log.jsonl'), `${JSON.stringify(record)}\n`);
        log(`step ${state.step}: loss ${record.loss.toFixed(4)}, validation V_rand ${metrics.v_rand.toFixed(4)}, V_info ${metrics.v_info.toFixed(4)}, pixel error ${metrics.pixel_error.toFixed(4)}`);
        lossSum = 0;
        lossCount = 0;
        if (!state.best || metrics.v_rand > state.best.v_rand) {
          state.best = { step: state.step, ...metrics };
          await saveModelFolder(outDir, model, withTraining(meta, state, options.backend));
        }
      }
      if (Date.now() - lastCheckpoint > (options.checkpointMinutes ?? 2) * 60_000) await writeCheckpoint();
    }
    await writeCheckpoint();
  } finally {
    await pool?.dispose();
  }
  return {
    steps: state.step,
    seconds: Math.round(state.seconds),
    train_px_per_s: trainingSeconds > 0 ? Math.round(trainedPixels / trainingSeconds) : 0,
    backend: options.backend,
    best: state.best,
    model_dir: path.resolve(outDir),
  };
}

/** Half-cosine decay from `initial` (done = 0) to initial/100 (done = 1). */
export function cosineLearningRate(initial: number, done: number): number {
  const floor = initial / 100;
  return floor + 0.5 * (initial - floor) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, done))));
}

function withTraining(meta: ModelMeta, state: TrainingState, backend: string): ModelMeta {
  return { ...meta, training: { ...meta.training, steps: state.step, seconds: Math.round(state.seconds), backend, best_validation: state.best, settings: state.settings } };
}

function checkInputs(images: Volume, labels: Volume, mask: Volume | null, validation: [number, number]): void {
  const shape = (v: Volume): string => `${v.width} × ${v.height} × ${v.depth}`;
  if (images.width !== labels.width || images.height !== labels.height || images.depth !== labels.depth) {
    throw new Error(`The labels ${labels.source} (${shape(labels)}) do not match the images ${images.source} (${shape(images)}).`);
  }
  if (labels.dtype !== 'uint8') throw new Error(`The labels ${labels.source} are ${labels.dtype}; give 8-bit labels (0 membrane, 255 cell).`);
  if (mask && (mask.width !== images.width || mask.height !== images.height || mask.depth !== images.depth || mask.dtype !== 'uint8')) {
    throw new Error(`The mask ${mask.source} (${shape(mask)}, ${mask.dtype}) must be 8-bit and the shape of the images (${shape(images)}).`);
  }
  const [first, last] = validation;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first || last >= images.depth) {
    throw new Error(`Validation slices ${first}-${last} are not inside the stack (0-${images.depth - 1}).`);
  }
  if (last - first + 1 >= images.depth) throw new Error(`Validation slices ${first}-${last} leave no slice to train on.`);
}

async function validate(model: LayersModel, meta: ModelMeta, images: Volume, labels: Volume, slices: number[]): Promise<{ pixel_error: number; v_rand: number; v_info: number }> {
  const { width, height } = images;
  const plane = width * height;
  const probabilities = new Float32Array(plane * slices.length);
  const truth = new Uint8Array(plane * slices.length);
  const input = new Float32Array(plane);
  for (const [i, z] of slices.entries()) {
    normalizeSlice(images.data.subarray(z * plane, (z + 1) * plane), meta.normalization, input);
    const p = await predictSlice(model, input, width, height, { maxTile: meta.tile.size, overlap: meta.tile.overlap, multiple: sizeMultiple(meta.architecture) });
    probabilities.set(p, i * plane);
    truth.set((labels.data as Uint8Array).subarray(z * plane, (z + 1) * plane), i * plane);
  }
  const result = evaluateSlices(probabilities, truth, width, height, slices.length);
  return { pixel_error: result.pixel_error, v_rand: result.v_rand, v_info: result.v_info };
}
