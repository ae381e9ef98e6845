import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CancelledError } from '../base/cancellation.js';
import type { Volume } from '../io/Volume.js';
import type { HeldOutScores } from '../metrics/heldOutScores.js';
import { sizeMultiple } from '../model/buildUnet.js';
import type { LoadedModel, ModelMeta } from '../model/modelFolder.js';
import { serializeModel } from '../model/serializeModel.js';
import { tf, tfl } from '../model/tfjs.js';
import { checkCorrections, type SliceCorrection } from '../review/SliceCorrection.js';
import { correctionSlices, type CorrectionSlice } from './correctionBatches.js';
import { splitHeldOut } from './heldOutSplit.js';
import { Random } from '../base/Random.js';
import { addReviewedContext, REVIEWED_CONTEXT, type ReviewedContextOptions } from './reviewedContext.js';
import { loopSettings } from './trainingDefaults.js';
import type { TrainableLayers } from './trainableLayers.js';
import { trainLoop, type LoopState } from './trainLoop.js';
import { judgeVerdict, withInversion, type Verdict } from './verdict.js';

export interface FineTuneProgress {
  /** Steps done, of `steps`. */
  step: number;
  steps: number;
  /** Mean loss of the last few steps; NaN before the first. */
  loss: number;
  /** Training throughput so far (patch pixels per second of stepping); 0 before the first step. */
  pxPerS: number;
  /** Seconds until the result is ready (judging included), once a step has been timed. */
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
  /**
   * Slices whose corrections are held out from training and judged on. With none (or none
   * corrected), a share of the corrected pixels is set aside automatically (splitHeldOut).
   */
  validationSlices: readonly number[];
  /** Training steps (default 120). */
  steps?: number;
  /** Stops training once this much wall time has passed since the call (judging included). */
  minutes?: number;
  /** Patches per step (default 2, or `workers` when more). */
  batch?: number;
  /** Patch edge (default 256, cut to the slice size); a multiple of the architecture's size multiple. */
  patch?: number;
  /** Adam's learning rate after the warm-up (default: trainingDefaults), falling along a half cosine to 1/100 of it. */
  learningRate?: number;
  seed?: number;
  /** Worker threads to train on (default 1: this thread); see TrainingPool. */
  workers?: number;
  /** The model's original training data (loadReplaySet), mixed into the batches against forgetting. */
  replay?: readonly CorrectionSlice[];
  /** Chance that a patch comes from `replay` (default: trainingDefaults). */
  replayShare?: number;
  /** Steps between judgements on the held-out corrections (default: trainingDefaults). */
  evalEvery?: number;
  /** The layers fine-tuning changes (default: trainingDefaults). */
  trainable?: TrainableLayers;
  /** Also judge the start with its contrast inverted, and start from it when clearly better (default: trainingDefaults). */
  tryInvertedContrast?: boolean;
  /**
   * Around sparse corrections, the starting model's confident prediction counts as confirmed by
   * the expert (withReviewedContext; default REVIEWED_CONTEXT); null: only the painted pixels.
   */
  reviewedContext?: ReviewedContextOptions | null;
  signal?: AbortSignal;
  onProgress?: (progress: FineTuneProgress) => void;
}

export interface FineTuneResult {
  /** The best step's model (the caller owns it: dispose it when done). */
  model: LayersModel;
  /** The starting model's metadata with this fine-tune appended to training.fine_tuning. */
  meta: ModelMeta;
  /** Steps completed. */
  steps: number;
  /** The step whose weights `model` holds (the best judged; the last when nothing was held out). */
  bestStep: number;
  /** Training started from the model with its input contrast inverted (it fit these images clearly better). */
  invertedContrast: boolean;
  /** Wall time of the whole call, judging included. */
  seconds: number;
  train_px_per_s: number;
  /** Loss of every step. */
  losses: number[];
  /** The starting model and `model`, judged on the held-out corrections (null: nothing held out). */
  before: HeldOutScores | null;
  after: HeldOutScores | null;
  /** Whether `model` beats the starting model by more than the noise, and why, in words. */
  verdict: Verdict;
  /** What was held out, in words. */
  heldOut: string;
  /** Stopped by `signal`: `model` is the best step up to then. */
  cancelled: boolean;
  trainSlices: number[];
  /** Labelled pixels trained on. */
  labelledPixels: number;
}

const DEFAULT_STEPS = 120;
const DEFAULT_PATCH = 256;
const MIN_PATCH = 32;

/**
 * Fine-tunes a copy of a model on an expert's corrections (sparse strokes or whole slices)
 * with the one training loop (trainLoop; the recipe's defaults from a model, trainingDefaults).
 * The starting model is judged first on the held-out corrections (the validation slices, or a
 * share set aside automatically) and the run's best step is kept; `verdict` says whether it
 * beats the start by more than the noise. An aborted signal stops after the step in progress and
 * returns the best step so far; aborted before the first step it rejects with code 'CANCELLED'.
 */
export async function fineTune(options: FineTuneOptions): Promise<FineTuneResult> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const { model: start, images, corrections, signal } = options;
  const { width, height, depth } = images;
  checkCorrections(corrections, width, height, depth);
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`Fine-tuning workers must be a whole number, 1 or more, not ${workers}.`);
  if (options.minutes !== undefined && !(options.minutes >= 0)) throw new RangeError(`Fine-tuning minutes must be 0 or more, not ${options.minutes}.`);
  const steps = options.steps ?? DEFAULT_STEPS;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`Fine-tuning steps must be a whole number, 1 or more, not ${steps}.`);
  const multiple = sizeMultiple(start.meta.architecture);
  if (options.patch !== undefined && (!Number.isInteger(options.patch) || options.patch < 1 || options.patch % multiple !== 0)) {
    throw new RangeError(`Fine-tuning patch ${options.patch} must be a positive multiple of ${multiple} for this model.`);
  }
  // The largest multiple that fits the slice, but not so small that a patch sees no context.
  const fits = Math.floor(Math.min(width, height) / multiple) * multiple;
  const patch = Math.max(Math.min(options.patch ?? DEFAULT_PATCH, fits), Math.ceil(MIN_PATCH / multiple) * multiple);
  const settings = withCallerNames(() =>
    loopSettings(true, workers, { batch: options.batch, patch, learningRate: options.learningRate, seed: options.seed, replayShare: options.replay?.length ? options.replayShare : 0, evalEvery: options.evalEvery, trainable: options.trainable, tryInvertedContrast: options.tryInvertedContrast }, multiple),
  );
  const validation = new Set(options.validationSlices);
  for (const z of validation) if (!Number.isInteger(z) || z < 0 || z >= depth) throw new RangeError(`Validation slice ${z} is outside the stack (slices 0-${depth - 1}).`);
  const context = options.reviewedContext === undefined ? REVIEWED_CONTEXT : options.reviewedContext;
  // Held out first, from what the expert painted; the reviewed context then widens the training share only.
  const split = splitHeldOut(corrections, validation, width, height, { seed: settings.seed });
  const training = correctionSlices(images, context ? await addReviewedContext(start, images, split, context, workers, { signal }) : split.train);
  if (training.length === 0) {
    throw Object.assign(new Error('There are no corrections to learn from. Paint some corrections on slices that are not marked for validation first.'), { code: 'NO_CORRECTIONS' });
  }
  const labelledPixels = training.reduce((n, s) => n + s.labelled.length, 0);
  const budgetSeconds = options.minutes !== undefined ? options.minutes * 60 : Infinity;

  const model = await copyModel(start.model);
  const state: LoopState = { step: 0, seconds: 0, randomState: new Random(settings.seed).save(), start: null, best: null, history: [], settings };
  let loop;
  try {
    loop = await trainLoop({
      model,
      meta: start.meta,
      images,
      sources: { train: training, replay: options.replay ?? [], replayShare: settings.replayShare },
      heldOut: split.heldOut,
      settings,
      steps,
      seconds: budgetSeconds,
      workers,
      state,
      judgeStart: true,
      signal,
      onProgress: (p) =>
        options.onProgress?.({
          step: p.step,
          steps,
          loss: p.loss,
          pxPerS: p.pxPerS,
          etaSeconds: p.etaSeconds,
          stage: /^Training/.test(p.stage) ? `Fine-tuning${p.stage.slice('Training'.length)}, step ${p.step} of ${steps}` : p.stage,
        }),
    });
    if (loop.cancelled && loop.losses.length === 0) throw new CancelledError('Fine-tuning was cancelled before its first step; the model is unchanged.');
  } catch (error) {
    model.dispose();
    throw error;
  }
  const verdict = withInversion(judgeVerdict(state.start, state.best), state.invertedContrast);
  const before = state.start?.scores ?? null;
  const after = state.best?.scores ?? null;
  const trainSlices = training.map((s) => s.z).sort((a, b) => a - b);
  const seconds = Math.round(elapsed());
  const record = {
    from: start.dir,
    date: new Date().toISOString(),
    steps: loop.losses.length,
    planned_steps: steps,
    best_step: state.best?.step ?? loop.losses.length,
    seconds,
    cancelled: loop.cancelled,
    batch: settings.batch,
    patch: settings.patch,
    learning_rate: settings.learningRate,
    warmup_steps: settings.warmupSteps,
    replay_share: settings.replayShare,
    trainable: settings.trainable,
    inverted_contrast: state.invertedContrast ?? false,
    seed: settings.seed,
    workers,
    backend: loop.backend,
    train_slices: trainSlices,
    validation_slices: [...validation].sort((a, b) => a - b),
    held_out: split.how,
    labelled_pixels: labelledPixels,
    before,
    after,
    verdict: { better: verdict.better, improvement: verdict.improvement, noise: verdict.noise, reason: verdict.reason },
  };
  const previous = Array.isArray(start.meta.training?.fine_tuning) ? (start.meta.training.fine_tuning as unknown[]) : [];
  return {
    model,
    meta: { ...start.meta, training: { ...start.meta.training, fine_tuning: [...previous, record] } },
    steps: loop.losses.length,
    bestStep: record.best_step,
    invertedContrast: record.inverted_contrast,
    seconds,
    train_px_per_s: loop.train_px_per_s,
    losses: loop.losses,
    before,
    after,
    verdict,
    heldOut: split.how,
    cancelled: loop.cancelled,
    trainSlices,
    labelledPixels,
  };
}

/** loopSettings' errors, worded for this caller ("Fine-tuning batch 1 is smaller than workers 2"). */
function withCallerNames<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`Fine-tuning: ${error.message}`, { cause: error });
    throw error;
  }
}

/** A copy with its own weights, by a round trip through the serialised form. */
async function copyModel(model: LayersModel): Promise<LayersModel> {
  return tfl.loadLayersModel(tf.io.fromMemory(await serializeModel(model)));
}
