import { copyFile, mkdir, appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Progress } from '../../protocol/contract.js';
import type { Volume } from '../io/Volume.js';
import type { HeldOutScores } from '../metrics/heldOutScores.js';
import { buildUnet, DEFAULT_ARCHITECTURE, sizeMultiple, type UnetArchitecture } from '../model/buildUnet.js';
import { DEFAULT_NORMALIZATION, ensureOnnx, loadModelFolder, META_JSON, MODEL_JSON, saveModelFolder, WEIGHTS_BIN, type ModelMeta } from '../model/modelFolder.js';
import { tf } from '../model/tfjs.js';
import { readAdamState, writeAdamState, type AdamState } from './adamState.js';
import { correctionSlices } from './correctionBatches.js';
import { splitHeldOut } from './heldOutSplit.js';
import { labelsToCorrections } from './labelsToCorrections.js';
import { Random } from '../base/Random.js';
import { addReviewedContext, REVIEWED_CONTEXT, type ReviewedContextOptions } from './reviewedContext.js';
import { replaySetFor } from './replaySet.js';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, weightNames, type TrainingState } from './trainingCheckpoint.js';
import { loopSettings } from './trainingDefaults.js';
import { describeTrainable, type TrainableLayers } from './trainableLayers.js';
import { trainLoop, type Judged } from './trainLoop.js';
import { judgeVerdict, withInversion, type Verdict } from './verdict.js';

export { cosineLearningRate } from './learningRate.js';

export interface TrainOptions {
  images: Volume;
  /** ISBI convention: 0 membrane, 255 cell, other values unlabelled (sparse labels are fine). */
  labels: Volume;
  /** Optional: nonzero = labelled. */
  mask?: Volume | null;
  outDir: string;
  /** Start from this model folder's weights (fine-tuning): the fine-tuning defaults apply, and the model is a candidate the run must beat. */
  init?: string | null;
  minutes?: number;
  steps?: number;
  /** Validation slices, inclusive: [first, last]; null: a share of the labelled pixels is set aside automatically (splitHeldOut). */
  validation: [number, number] | null;
  resume?: boolean;
  seed?: number;
  batch?: number;
  patch?: number;
  learningRate?: number;
  /** 'cosine' (default): from learningRate to learningRate/100 along a half cosine over the budget; 'none': constant. */
  lrDecay?: 'none' | 'cosine';
  warmupSteps?: number;
  /** Steps between judgements on the held-out labels (an "epoch"). */
  epochSteps?: number;
  /** Chance that a patch comes from the starting model's replay set (with init; default from trainingDefaults). */
  replayShare?: number;
  /** The layers training changes (default: trainingDefaults). */
  trainable?: TrainableLayers;
  /**
   * With init: around sparse labels, the starting model's confident prediction counts as
   * confirmed (withReviewedContext; default REVIEWED_CONTEXT, as the app's fine-tune); null: only the labelled pixels.
   */
  reviewedContext?: ReviewedContextOptions | null;
  /** Minutes between periodic checkpoints. */
  checkpointMinutes?: number;
  architecture?: UnetArchitecture;
  /** Worker threads (default 1: this thread); see TrainingPool. Not a run setting: --resume may change it. */
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
  /** What the run was judged on, in words. */
  held_out: string;
  /** The starting model (with init) and the best step, judged on the held-out labels. */
  start: HeldOutScores | null;
  best: ({ step: number } & HeldOutScores) | null;
  /** With init: whether the best step beats the starting model by more than the noise. */
  verdict: Verdict | null;
  /** Which model outDir holds: the best step, or (with init, when it was not better) the starting model. */
  written: 'trained' | 'start';
  model_dir: string;
}

/**
 * `membrana train`: trains the membrane U-Net from scratch, or fine-tunes a model (init), with
 * the one training loop the app fine-tunes with (trainLoop), on dense or sparse labels. The run
 * is judged every epoch on held-out labels (the validation slices, or pixels set aside
 * automatically); the best step is kept in outDir. With init the starting model is judged first
 * and outDir ends up with whichever is better by the verdict (the trained model only when it
 * beats the start by more than the noise; else the start, with the trained one in
 * outDir/not-better). A checkpoint (weights, Adam moments, random state) is written every few
 * minutes and at the end, so `resume` continues a killed run where it stopped. An aborted
 * `signal` ends the run after the step in progress, with a checkpoint.
 */
export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const { images, labels, outDir } = options;
  checkInputs(images, labels, options.mask ?? null, options.validation);
  const log = options.log ?? (() => undefined);
  await mkdir(outDir, { recursive: true });
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a whole number, 1 or more, not ${workers}.`);
  if (options.batch !== undefined && options.batch < workers) {
    throw new Error(`--batch ${options.batch} is smaller than --workers ${workers}: each worker trains on a share of a step's patches, so use --batch ${workers} or more.`);
  }

  let model: LayersModel;
  let meta: ModelMeta;
  let state: TrainingState;
  let optimizer: AdamState | null = null;
  const fromModel = !!options.init;
  if (options.resume && hasCheckpoint(outDir)) {
    const probe = tf.train.adam(1e-3);
    try {
      ({ model, meta, state } = await loadCheckpoint(outDir, probe));
      optimizer = await readAdamState(probe, weightNames(model));
    } finally {
      probe.dispose();
    }
    log(`Resuming ${outDir} at step ${state.step} (${Math.round(state.seconds)} s trained so far).`);
  } else {
    if (options.resume) log(`No checkpoint in ${outDir}; starting a new run.`);
    if (options.init) {
      ({ model, meta } = await loadModelFolder(options.init));
    } else {
      const architecture = options.architecture ?? DEFAULT_ARCHITECTURE;
      model = buildUnet(architecture, options.seed ?? 1);
      meta = { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 512, overlap: 32 } };
    }
    const settings = loopSettings(fromModel, workers, given(options), sizeMultiple(meta.architecture));
    state = { step: 0, seconds: 0, randomState: new Random(settings.seed).save(), start: null, best: null, history: [], settings };
  }
  // A resumed run keeps its settings; a budget or worker count may change.
  const settings = loopSettings(fromModel, workers, state.settings, sizeMultiple(meta.architecture));
  state.settings = settings;

  const validation = new Set<number>();
  if (options.validation) for (let z = options.validation[0]; z <= options.validation[1]; z++) validation.add(z);
  const corrections = labelsToCorrections({ ...labels, data: labels.data as Uint8Array }, options.mask ? { data: options.mask.data as Uint8Array } : null);
  const context = fromModel ? (options.reviewedContext === undefined ? REVIEWED_CONTEXT : options.reviewedContext) : null;
  // Held out first, from the labels as given; the reviewed context then widens the training share only.
  const split = splitHeldOut(corrections, validation, images.width, images.height, { seed: settings.seed });
  let train = split.train;
  if (context) {
    // The starting model's predictions: a resumed run's model has moved on, so read the start again.
    const resumed = state.step > 0;
    const start = resumed ? await loadModelFolder(options.init!) : { dir: options.init!, model, meta };
    try {
      train = await addReviewedContext(start, images, split, context, workers, { signal: options.signal });
    } finally {
      if (resumed) start.model.dispose();
    }
  }
  const training = correctionSlices(images, train);
  if (training.length === 0) throw new Error(`${labels.source} has no labelled pixels outside the held-out ones (label membrane 0, cell 255).`);
  if (split.heldOut.length === 0) log(`Held out: ${split.how}; every step is kept, the last one is written.`);
  else log(`Held out: ${split.how}.`);
  log(`Training ${describeTrainable(settings.trainable)}.`);
  const replay = fromModel && settings.replayShare > 0 ? await replaySetFor({ dir: options.init!, model, meta }) : null;
  if (replay) log(`Replay: ${replay.length} labelled slices of the starting model's training data, ${Math.round(settings.replayShare * 100)}% of patches.`);

  const saveTrained = (judged: Judged | null): Promise<void> => saveModelFolder(outDir, model, withTraining(meta, state, options.backend, judged));
  const loop = await trainLoop({
    model,
    meta,
    images,
    sources: { train: training, replay: replay ?? [], replayShare: settings.replayShare },
    heldOut: split.heldOut,
    settings,
    steps: options.steps ?? Infinity,
    seconds: options.minutes !== undefined ? options.minutes * 60 : Infinity,
    workers,
    state,
    optimizer,
    judgeStart: fromModel,
    checkpointSeconds: (options.checkpointMinutes ?? 2) * 60,
    signal: options.signal,
    onProgress: (p) =>
      options.onProgress?.({
        stage: /^Training/.test(p.stage) ? `Training step ${p.step}${Number.isFinite(p.loss) ? `, loss ${p.loss.toFixed(4)}` : ''}` : p.stage,
        fraction: p.fraction,
        ...(p.etaSeconds !== null ? { etaSeconds: p.etaSeconds } : {}),
      }),
    onJudged: async (judged, best, loss) => {
      const s = judged.scores;
      const record = { step: judged.step, seconds: Math.round(state.seconds), loss, error: s.error, cross_entropy: s.cross_entropy, membrane_f1: s.membrane_f1, cell_f1: s.cell_f1, pixel_error: s.pixel_error, v_rand: s.v_rand, v_info: s.v_info };
      state.history.push(record);
      await appendFile(path.join(outDir, 'training-log.jsonl'), `${JSON.stringify(record)}\n`);
      log(`${judged.step === 0 ? (best && state.invertedContrast ? 'starting model, image contrast inverted' : 'starting model') : `step ${judged.step}`}: ${loss !== null ? `loss ${loss.toFixed(4)}, ` : ''}${describeScores(s)}${best ? ' (best so far)' : ''}`);
      if (best) await saveTrained(judged);
    },
    onCheckpoint: async (adam) => {
      const holder = tf.train.adam(settings.learningRate);
      try {
        await writeAdamState(holder, adam, weightNames(model));
        await saveCheckpoint(outDir, model, withTraining(meta, state, options.backend, state.best), holder, state);
      } finally {
        holder.dispose();
      }
    },
  });
  // Nothing held out: the last step is the result.
  if (split.heldOut.length === 0) await saveTrained(null);
  const verdict = fromModel ? withInversion(judgeVerdict(state.start, state.best), state.invertedContrast) : null;
  let written: TrainResult['written'] = 'trained';
  if (verdict && !verdict.better) {
    written = 'start';
    if (state.best) {
      const aside = path.join(outDir, 'not-better');
      await mkdir(aside, { recursive: true });
      for (const file of [MODEL_JSON, WEIGHTS_BIN, META_JSON]) await copyFile(path.join(outDir, file), path.join(aside, file));
      await ensureOnnx(aside, { onWarning: () => undefined });
    }
    for (const file of [MODEL_JSON, WEIGHTS_BIN, META_JSON]) await copyFile(path.join(options.init!, file), path.join(outDir, file));
    // The trained model's model.onnx is left behind by the copy: replaced on purpose, no warning.
    await ensureOnnx(outDir, { onWarning: () => undefined });
  }
  if (verdict) log(`${verdict.better ? 'Better than the starting model' : 'Kept the starting model'}: ${verdict.reason}`);
  model.dispose();
  return {
    steps: state.step,
    seconds: Math.round(state.seconds),
    train_px_per_s: loop.train_px_per_s,
    backend: options.backend,
    held_out: split.how,
    start: state.start?.scores ?? null,
    best: state.best ? { step: state.best.step, ...state.best.scores } : null,
    verdict,
    written,
    model_dir: path.resolve(outDir),
  };
}

/** The settings the caller gave, by the loop's names. */
function given(options: TrainOptions): Parameters<typeof loopSettings>[2] {
  return {
    seed: options.seed,
    batch: options.batch,
    patch: options.patch,
    learningRate: options.learningRate,
    lrDecay: options.lrDecay,
    warmupSteps: options.warmupSteps,
    evalEvery: options.epochSteps,
    replayShare: options.replayShare,
    trainable: options.trainable,
  };
}

export function describeScores(s: HeldOutScores): string {
  const f = (v: number | null): string => (v === null ? '—' : v.toFixed(4));
  const isbi = s.v_rand !== null ? `, V_rand ${f(s.v_rand)}, V_info ${f(s.v_info)}, ISBI pixel error ${f(s.pixel_error)}` : '';
  return `held-out error ${f(s.error)}, cross-entropy ${f(s.cross_entropy)}, F1 membrane ${f(s.membrane_f1)} / cell ${f(s.cell_f1)}${isbi}`;
}

function withTraining(meta: ModelMeta, state: TrainingState, backend: string, judged: Judged | null): ModelMeta {
  const best = judged ? { step: judged.step, ...judged.scores } : null;
  return { ...meta, training: { ...meta.training, steps: state.step, seconds: Math.round(state.seconds), backend, best_validation: best, settings: state.settings, ...(state.invertedContrast ? { inverted_contrast: true } : {}) } };
}

function checkInputs(images: Volume, labels: Volume, mask: Volume | null, validation: [number, number] | null): void {
  const shape = (v: Volume): string => `${v.width} × ${v.height} × ${v.depth}`;
  if (images.width !== labels.width || images.height !== labels.height || images.depth !== labels.depth) {
    throw new Error(`The labels ${labels.source} (${shape(labels)}) do not match the images ${images.source} (${shape(images)}).`);
  }
  if (labels.dtype !== 'uint8') throw new Error(`The labels ${labels.source} are ${labels.dtype}; give 8-bit labels (0 membrane, 255 cell).`);
  if (mask && (mask.width !== images.width || mask.height !== images.height || mask.depth !== images.depth || mask.dtype !== 'uint8')) {
    throw new Error(`The mask ${mask.source} (${shape(mask)}, ${mask.dtype}) must be 8-bit and the shape of the images (${shape(images)}).`);
  }
  if (!validation) return;
  const [first, last] = validation;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first || last >= images.depth) {
    throw new Error(`Validation slices ${first}-${last} are not inside the stack (0-${images.depth - 1}).`);
  }
  if (last - first + 1 >= images.depth) throw new Error(`Validation slices ${first}-${last} leave no slice to train on.`);
}
