import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Volume } from '../io/Volume.js';
import { evaluateCorrections, type CorrectionScores } from '../metrics/evaluateCorrections.js';
import { sizeMultiple } from '../model/buildUnet.js';
import type { LoadedModel, ModelMeta } from '../model/modelFolder.js';
import { serializeModel } from '../model/serializeModel.js';
import { tf, tfl } from '../model/tfjs.js';
import { checkCorrections, type SliceCorrection } from '../review/SliceCorrection.js';
import { setAdamLearningRate } from './adamState.js';
import { correctionSlices, makeCorrectionBatch } from './correctionBatches.js';
import type { TrainingBatch } from './makeBatch.js';
import { membraneLoss } from './membraneLoss.js';
import { Random } from './Random.js';
import { cosineLearningRate } from './trainModel.js';
import { loadSnapshotWeights, TrainingPool } from './TrainingPool.js';

export interface FineTuneProgress {
  /** Steps done, of `steps`. */
  step: number;
  steps: number;
  /** Mean loss of the last few steps; NaN before the first. */
  loss: number;
  /** Training throughput so far (patch pixels per second of stepping); 0 before the first step. */
  pxPerS: number;
  /** Seconds until the result is ready (scoring included), once a step has been timed. */
  etaSeconds: number | null;
  /** What is happening, for people. */
  stage: string;
}

export interface FineTuneOptions {
  /** The starting model; not modified. */
  model: LoadedModel;
  images: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>;
  /** Per slice: 0 unlabelled, 1 membrane, 2 cell (one byte per pixel, row-major). */
  corrections: readonly SliceCorrection[];
  /** Slices whose corrections are held out from training and scored before and after. */
  validationSlices: readonly number[];
  /** Training steps (default 120). */
  steps?: number;
  /** Stops training once this much wall time has passed since the call (scoring the result comes on top). */
  minutes?: number;
  /** Patches per step (default 2, or `workers` when more). */
  batch?: number;
  /** Patch edge (default 256, cut to the slice size); a multiple of the architecture's size multiple. */
  patch?: number;
  /** Adam's learning rate at the start (default 2e-4), falling along a half cosine to 1/100 of it. */
  learningRate?: number;
  seed?: number;
  /** Worker threads to train and score on (default 1: this thread); see TrainingPool. */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (progress: FineTuneProgress) => void;
}

export interface FineTuneResult {
  /** The fine-tuned copy; the caller owns it (dispose it when done). */
  model: LayersModel;
  /** The starting model's metadata with this fine-tune appended to training.fine_tuning. */
  meta: ModelMeta;
  /** Steps completed. */
  steps: number;
  /** Wall time of the whole call, scoring included. */
  seconds: number;
  train_px_per_s: number;
  /** Loss of every step. */
  losses: number[];
  /** The starting and fine-tuned model scored on the validation slices' corrections (null: none to score). */
  before: CorrectionScores | null;
  after: CorrectionScores | null;
  /** Stopped by `signal`: `model` is as of the last completed step. */
  cancelled: boolean;
  trainSlices: number[];
  /** Labelled pixels of the training slices. */
  labelledPixels: number;
}

const DEFAULT_STEPS = 120;
const DEFAULT_LEARNING_RATE = 2e-4;
const DEFAULT_PATCH = 256;
const MIN_PATCH = 32;

/**
 * Fine-tunes a copy of a model on an expert's corrections (sparse strokes or whole slices):
 * augmented patches around labelled pixels (makeCorrectionBatch), the membrane loss with weight 0
 * on unlabelled pixels, Adam with a cosine-decaying learning rate. The corrections of
 * `validationSlices` are held out and the starting and fine-tuned models scored on them
 * (evaluateCorrections). An aborted signal stops after the step in progress and returns the model
 * as of that step, scored, with `cancelled` (a second cancel, while scoring it, leaves `after`
 * null); aborted before the first step (or while scoring the starting model) it rejects with
 * code 'CANCELLED'. With `workers` > 1 it trains on a TrainingPool and scores on a PredictionPool.
 */
export async function fineTune(options: FineTuneOptions): Promise<FineTuneResult> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const { model: start, images, corrections, signal } = options;
  const { width, height, depth } = images;
  checkCorrections(corrections, width, height, depth);
  const settings = fineTuneSettings(options, start.meta);
  const validation = new Set(options.validationSlices);
  for (const z of validation) if (!Number.isInteger(z) || z < 0 || z >= depth) throw new RangeError(`Validation slice ${z} is outside the stack (slices 0-${depth - 1}).`);
  const training = correctionSlices(images, corrections.filter((c) => !validation.has(c.z)));
  if (training.length === 0) {
    throw Object.assign(new Error('There are no corrections to learn from. Paint some corrections on slices that are not marked for validation first.'), { code: 'NO_CORRECTIONS' });
  }
  const held = corrections.filter((c) => validation.has(c.z));
  const labelledPixels = training.reduce((n, s) => n + s.labelled.length, 0);
  const { steps } = settings;
  const budgetSeconds = options.minutes !== undefined ? options.minutes * 60 : Infinity;
  const losses: number[] = [];
  let trainingSeconds = 0;
  let scoringSeconds = 0;
  const report = (stage: string): void => {
    const done = losses.length;
    const recent = losses.slice(-10);
    const perStep = done > 0 ? trainingSeconds / done : null;
    const trainingLeft = perStep === null ? null : Math.min((steps - done) * perStep, Math.max(0, budgetSeconds - elapsed()));
    options.onProgress?.({
      step: done,
      steps,
      loss: recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : Number.NaN,
      pxPerS: trainingSeconds > 0 ? Math.round((done * settings.batch * settings.patch ** 2) / trainingSeconds) : 0,
      etaSeconds: trainingLeft === null ? null : Math.round(trainingLeft + (held.length > 0 ? scoringSeconds : 0)),
      stage,
    });
  };

  report('Scoring the starting model on the validation slices');
  const before = await cancellable(() => evaluateCorrections(start, images, held, { signal, workers: settings.workers }));
  scoringSeconds = elapsed();

  const model = await copyModel(start.model);
  let cancelled = false;
  try {
    const random = new Random(settings.seed);
    const learner = await Learner.start(model, settings);
    try {
      const stage = learner.pool ? `Fine-tuning on ${learner.pool.size} workers` : 'Fine-tuning';
      report(stage);
      while (losses.length < steps && elapsed() < budgetSeconds) {
        if (signal?.aborted) {
          cancelled = true;
          break;
        }
        const t0 = performance.now();
        const batch = makeCorrectionBatch(training, width, height, settings.batch, settings.patch, start.meta.normalization, random);
        const done = Math.max(losses.length / steps, Number.isFinite(budgetSeconds) ? elapsed() / budgetSeconds : 0);
        const loss = await learner.step(batch, cosineLearningRate(settings.learningRate, done));
        // wasm resolves data() as a microtask: without this, cancel messages would wait for the end.
        await new Promise<void>((resolve) => setImmediate(resolve));
        trainingSeconds += (performance.now() - t0) / 1000;
        if (!Number.isFinite(loss)) throw new Error(`Fine-tuning diverged at step ${losses.length + 1} (loss ${loss}); use a lower learning rate than ${settings.learningRate}.`);
        losses.push(loss);
        report(`${stage}, step ${losses.length} of ${steps}`);
      }
      if (cancelled && losses.length === 0) throw cancelledError();
      await learner.finish();
    } finally {
      await learner.dispose();
    }
  } catch (error) {
    model.dispose();
    throw error;
  }

  let after: CorrectionScores | null = null;
  if (held.length > 0) {
    report('Scoring the fine-tuned model on the validation slices');
    try {
      // A cancel during training still gets its result scored; a cancel now skips the scores.
      after = await evaluateCorrections({ dir: `${start.dir} (fine-tuned)`, model, meta: start.meta }, images, held, { signal: cancelled ? undefined : signal, workers: settings.workers });
    } catch (error) {
      if ((error as { code?: string }).code !== 'CANCELLED') {
        model.dispose();
        throw error;
      }
      cancelled = true;
    }
  }
  const trainSlices = training.map((s) => s.z).sort((a, b) => a - b);
  const seconds = Math.round(elapsed());
  const record = {
    from: start.dir,
    date: new Date().toISOString(),
    steps: losses.length,
    planned_steps: settings.steps,
    seconds,
    cancelled,
    batch: settings.batch,
    patch: settings.patch,
    learning_rate: settings.learningRate,
    seed: settings.seed,
    workers: settings.workers,
    train_slices: trainSlices,
    validation_slices: [...validation].sort((a, b) => a - b),
    labelled_pixels: labelledPixels,
    before,
    after,
  };
  const previous = Array.isArray(start.meta.training?.fine_tuning) ? (start.meta.training.fine_tuning as unknown[]) : [];
  return {
    model,
    meta: { ...start.meta, training: { ...start.meta.training, fine_tuning: [...previous, record] } },
    steps: losses.length,
    seconds,
    train_px_per_s: trainingSeconds > 0 ? Math.round((losses.length * settings.batch * settings.patch ** 2) / trainingSeconds) : 0,
    losses,
    before,
    after,
    cancelled,
    trainSlices,
    labelledPixels,
  };
}

interface FineTuneSettings {
  steps: number;
  batch: number;
  patch: number;
  learningRate: number;
  seed: number;
  workers: number;
}

function fineTuneSettings(options: FineTuneOptions, meta: ModelMeta): FineTuneSettings {
  const whole = (name: string, value: number, least: number): number => {
    if (!Number.isInteger(value) || value < least) throw new RangeError(`Fine-tuning ${name} must be a whole number, ${least} or more, not ${value}.`);
    return value;
  };
  const workers = whole('workers', options.workers ?? 1, 1);
  const batch = whole('batch', options.batch ?? Math.max(2, workers), 1);
  if (batch < workers) throw new RangeError(`Fine-tuning batch ${batch} is smaller than workers ${workers}: each worker trains on a share of a step's patches, so use a batch of ${workers} or more.`);
  const learningRate = options.learningRate ?? DEFAULT_LEARNING_RATE;
  if (!(learningRate > 0)) throw new RangeError(`Fine-tuning learning rate must be above 0, not ${learningRate}.`);
  if (options.minutes !== undefined && !(options.minutes >= 0)) throw new RangeError(`Fine-tuning minutes must be 0 or more, not ${options.minutes}.`);
  const multiple = sizeMultiple(meta.architecture);
  if (options.patch !== undefined && (!Number.isInteger(options.patch) || options.patch < 1 || options.patch % multiple !== 0)) {
    throw new RangeError(`Fine-tuning patch ${options.patch} must be a positive multiple of ${multiple} for this model.`);
  }
  // The largest multiple that fits the slice, but not so small that a patch sees no context.
  const fits = Math.floor(Math.min(options.images.width, options.images.height) / multiple) * multiple;
  const patch = Math.max(Math.min(options.patch ?? DEFAULT_PATCH, fits), Math.ceil(MIN_PATCH / multiple) * multiple);
  return { steps: whole('steps', options.steps ?? DEFAULT_STEPS, 1), batch, patch, learningRate, seed: options.seed ?? 1, workers };
}

/** Steps on this thread with its own Adam, or on a TrainingPool; `finish` brings the pool's weights back into the model. */
class Learner {
  private constructor(
    private readonly model: LayersModel,
    private readonly optimizer: tf.Optimizer | null,
    readonly pool: TrainingPool | null,
  ) {}

  static async start(model: LayersModel, settings: FineTuneSettings): Promise<Learner> {
    if (settings.workers > 1) return new Learner(model, null, await TrainingPool.start(model, { workers: settings.workers, learningRate: settings.learningRate }));
    return new Learner(model, tf.train.adam(settings.learningRate), null);
  }

  async step(batch: TrainingBatch, learningRate: number): Promise<number> {
    if (this.pool) return this.pool.step(batch, learningRate);
    const optimizer = this.optimizer!;
    setAdamLearningRate(optimizer, learningRate);
    const shape: [number, number, number, number] = [batch.count, batch.size, batch.size, 1];
    const [x, target, weight] = [tf.tensor4d(batch.x, shape), tf.tensor4d(batch.target, shape), tf.tensor4d(batch.weight, shape)];
    const variables = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    try {
      const cost = optimizer.minimize(() => membraneLoss(this.model.apply(x, { training: true }) as tf.Tensor, target, weight), true, variables);
      const loss = (await cost!.data())[0]!;
      cost!.dispose();
      return loss;
    } finally {
      tf.dispose([x, target, weight]);
    }
  }

  async finish(): Promise<void> {
    if (this.pool) loadSnapshotWeights(this.model, (await this.pool.snapshot()).weights);
  }

  async dispose(): Promise<void> {
    this.optimizer?.dispose();
    await this.pool?.dispose();
  }
}

/** A copy with its own weights, by a round trip through the serialised form. */
async function copyModel(model: LayersModel): Promise<LayersModel> {
  return tfl.loadLayersModel(tf.io.fromMemory(await serializeModel(model)));
}

/** Runs a scoring step, turning prediction's cancel into fine-tuning's. */
async function cancellable<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if ((error as { code?: string }).code === 'CANCELLED') throw cancelledError();
    throw error;
  }
}

function cancelledError(): Error {
  return Object.assign(new Error('Fine-tuning was cancelled before its first step; the model is unchanged.'), { code: 'CANCELLED', name: 'AbortError' });
}
