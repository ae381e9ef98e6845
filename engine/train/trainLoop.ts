import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Volume } from '../io/Volume.js';
import { scoreHeldOut, type HeldOutScores } from '../metrics/heldOutScores.js';
import type { BlockTally } from '../metrics/pixelTallies.js';
import type { ModelMeta } from '../model/modelFolder.js';
import type { AdamState } from './adamState.js';
import { makeCorrectionBatch, type BatchSources } from './correctionBatches.js';
import type { HeldOutSlice } from './heldOutSplit.js';
import { judgeVerdict } from './verdict.js';
import { canInvertContrast, invertInputContrast, looksInverted } from './invertContrast.js';
import { copyWeights, Learner, restoreWeights } from './Learner.js';
import { learningRateAt } from './learningRate.js';
import { predictSlicesOf } from './predictSlicesOf.js';
import { Random } from '../base/Random.js';
import type { TrainableLayers } from './trainableLayers.js';

/** The recipe's knobs; see trainingDefaults for their values with and without a starting model. */
export interface LoopSettings {
  seed: number;
  batch: number;
  patch: number;
  learningRate: number;
  lrDecay: 'none' | 'cosine';
  warmupSteps: number;
  /** Steps between judging the model on the held-out labels. */
  evalEvery: number;
  /** Chance that a patch comes from the replay set (when there is one). */
  replayShare: number;
  /** The layers training changes (setTrainable); checkpoints written before this setting train all. */
  trainable: TrainableLayers;
  /**
   * With judgeStart, when the start looks anti-correlated with the held-out labels (looksInverted:
   * both classes labelled, worse than guessing): judge it with its input contrast inverted too
   * (invertInputContrast), and train from that one when it is clearly better.
   */
  tryInvertedContrast: boolean;
}

/** A model judged on the held-out labels at one step (0: the starting model). */
export interface Judged {
  step: number;
  scores: HeldOutScores;
  tallies: BlockTally[];
}

/** What a run has done: all a resumed run needs besides weights and Adam's state (JSON). */
export interface LoopState {
  step: number;
  /** Wall seconds over all sittings. */
  seconds: number;
  randomState: number;
  /** The starting model judged before any step (null: not a candidate, or nothing held out). */
  start: Judged | null;
  /** The best step judged so far (judgedBetter; the earlier on ties). */
  best: Judged | null;
  history: Record<string, number | null>[];
  settings: LoopSettings;
  /** The run started from the model with its input contrast inverted (it judged better on the held-out labels). */
  invertedContrast?: boolean;
}

export interface LoopProgress {
  step: number;
  /** Planned steps; null when only a time budget bounds the run. */
  steps: number | null;
  /** Share of the budget used (steps or time). */
  fraction: number;
  /** Mean loss of the last 10 steps; NaN before the first. */
  loss: number;
  pxPerS: number;
  etaSeconds: number | null;
  stage: string;
}

export interface TrainLoopOptions {
  /** Trained in place; on return it holds the weights of the best step judged (or the last step when nothing is held out). */
  model: LayersModel;
  meta: ModelMeta;
  /** The stack the held-out slices are predicted from. */
  images: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>;
  sources: BatchSources;
  heldOut: readonly HeldOutSlice[];
  settings: LoopSettings;
  /** Stop after this many steps (all sittings) or wall seconds (all sittings), whichever comes first. */
  steps: number;
  seconds: number;
  workers: number;
  state: LoopState;
  /** Adam's state to continue (a resumed run). */
  optimizer?: AdamState | null;
  /** Score the model as it starts, as a candidate the run must beat (fine-tuning). */
  judgeStart: boolean;
  /** Each judgement, in order; `model` holds the judged weights meanwhile, and `best` says whether it is the best so far. */
  onJudged?: (judged: Judged, best: boolean, loss: number | null) => Promise<void>;
  /** Called every `checkpointSeconds` and at the end, with the model holding the current weights. */
  onCheckpoint?: (optimizer: AdamState) => Promise<void>;
  checkpointSeconds?: number;
  signal?: AbortSignal;
  onProgress?: (progress: LoopProgress) => void;
}

export interface LoopResult {
  /** Stopped by `signal`. */
  cancelled: boolean;
  losses: number[];
  train_px_per_s: number;
  /** The compute backend the steps ran on ('WebAssembly (SIMD)'; with workers, theirs). */
  backend: string;
}

/**
 * The one training loop, for `membrana train` (from scratch or from a model) and the app's
 * fine-tune: augmented patches around labelled pixels (with a replay set mixed in, when given),
 * the membrane loss on labelled pixels only, Adam with warm-up and an optional cosine decay, on
 * one thread or a TrainingPool. Every `evalEvery` steps, and at the end, the model is judged on
 * the held-out labels; the best step is kept (early stopping: its weights go back into `model`
 * at the end). With `judgeStart` the starting model is judged first. An aborted signal ends the
 * run after the step in progress; the last step is still judged.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<LoopResult> {
  const { model, meta, images, settings, state, heldOut } = options;
  const sittingStart = performance.now();
  const secondsBefore = state.seconds;
  const elapsed = (): number => secondsBefore + (performance.now() - sittingStart) / 1000;
  const random = Random.restore(state.randomState);
  const losses: number[] = [];
  let trainingSeconds = 0;
  let judgingSeconds = 0;
  let judgements = 0;
  let stage = 'Starting';
  const budgetFraction = (): number => Math.min(1, Math.max(Number.isFinite(options.steps) ? state.step / options.steps : 0, Number.isFinite(options.seconds) ? elapsed() / options.seconds : 0));
  const report = (): void => {
    const recent = losses.slice(-10);
    const perStep = losses.length > 0 ? trainingSeconds / losses.length : null;
    const judgeCost = judgements > 0 ? judgingSeconds / judgements : 0;
    const stepsLeft = Number.isFinite(options.steps) ? options.steps - state.step : Infinity;
    const eta = perStep === null ? null : Math.min(stepsLeft * (perStep + judgeCost / settings.evalEvery), Math.max(0, options.seconds - elapsed())) + (heldOut.length > 0 ? judgeCost : 0);
    options.onProgress?.({
      step: state.step,
      steps: Number.isFinite(options.steps) ? options.steps : null,
      fraction: budgetFraction(),
      loss: recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : Number.NaN,
      pxPerS: trainingSeconds > 0 ? Math.round((losses.length * settings.batch * settings.patch ** 2) / trainingSeconds) : 0,
      etaSeconds: eta === null || !Number.isFinite(eta) ? null : Math.round(eta),
      stage,
    });
  };
  let bestWeights: Float32Array[] | null = null;
  /** The model's current weights scored on the held-out labels (null: nothing there to score). */
  const scoreNow = async (): Promise<Omit<Judged, 'step'> | null> => {
    const t0 = performance.now();
    const predictions = await predictSlicesOf({ dir: '(training)', model, meta }, images, heldOut.map((h) => h.z));
    const scored = scoreHeldOut(heldOut.map((h, k) => ({ ...h, probability: predictions[k]! })), images.width, images.height);
    judgingSeconds += (performance.now() - t0) / 1000;
    judgements++;
    return scored;
  };
  /** Judges the model's current weights; keeps them when they are the best so far. */
  const judge = async (loss: number | null): Promise<void> => {
    const scored = await scoreNow();
    if (!scored) return;
    const judged: Judged = { step: state.step, ...scored };
    if (state.step === 0 && options.judgeStart) state.start = judged;
    const better = state.step > 0 && (!state.best || judgedBetter(judged.scores, state.best.scores));
    if (better) {
      state.best = judged;
      bestWeights = await copyWeights(model);
    }
    state.seconds = elapsed();
    await options.onJudged?.(judged, better, loss);
  };

  let cancelled = false;
  let judgedAt = -1;
  // The start is judged before the learner starts: a pool's replicas copy the weights as they are then.
  if (options.judgeStart && state.step === 0 && !state.start && heldOut.length > 0) {
    stage = 'Scoring the starting model on the held-out corrections';
    report();
    await judge(null);
    judgedAt = 0;
    const start = state.start as Judged | null; // set by judge(null)
    if (settings.tryInvertedContrast && start && looksInverted(start.tallies) && canInvertContrast(model, meta.normalization)) {
      // Bright membranes (another stain, an inverted export): the same model, its contrast flipped, may already fit.
      stage = 'Scoring the starting model with the image contrast inverted';
      report();
      invertInputContrast(model, meta.normalization);
      const inverted = await scoreNow();
      // Only when clearly better (beyond the noise, as a verdict): a near tie keeps the model as it was.
      if (inverted && judgeVerdict(start, { step: 0, ...inverted }).better) {
        state.invertedContrast = true;
        state.best = { step: 0, ...inverted };
        bestWeights = await copyWeights(model);
        await options.onJudged?.(state.best, true, null);
      } else {
        invertInputContrast(model, meta.normalization);
      }
    }
  }
  const learner = await Learner.start(model, { workers: options.workers, learningRate: settings.learningRate, optimizer: options.optimizer ?? null, trainable: settings.trainable });
  const backend = await learner.backend();
  try {
    stage = learner.workers > 1 ? `Training on ${learner.workers} workers` : 'Training';
    report();
    let lastCheckpoint = performance.now();
    let lossSum = 0;
    let lossCount = 0;
    while (state.step < options.steps && elapsed() < options.seconds) {
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
      const t0 = performance.now();
      const batch = makeCorrectionBatch(options.sources, settings.batch, settings.patch, meta.normalization, random);
      const learningRate = learningRateAt(settings.learningRate, settings.lrDecay, settings.warmupSteps, state.step, budgetFraction());
      const loss = await learner.step(batch, learningRate);
      // wasm resolves data() as a microtask: without this, Ctrl+C and cancel would wait minutes.
      await new Promise<void>((resolve) => setImmediate(resolve));
      trainingSeconds += (performance.now() - t0) / 1000;
      if (!Number.isFinite(loss)) throw new Error(`Training diverged at step ${state.step + 1} (loss ${loss}); use a lower learning rate than ${settings.learningRate}.`);
      state.step++;
      losses.push(loss);
      lossSum += loss;
      lossCount++;
      report();
      const endOfRun = state.step >= options.steps || elapsed() >= options.seconds;
      if (heldOut.length > 0 && (state.step % settings.evalEvery === 0 || endOfRun)) {
        await learner.sync();
        const saved = stage;
        stage = `Scoring step ${state.step} on the held-out corrections`;
        report();
        await judge(lossSum / lossCount);
        judgedAt = state.step;
        stage = saved;
        lossSum = 0;
        lossCount = 0;
      }
      if (options.onCheckpoint && (performance.now() - lastCheckpoint) / 1000 > (options.checkpointSeconds ?? 120)) {
        await learner.sync();
        state.seconds = elapsed();
        state.randomState = random.save();
        await options.onCheckpoint(await learner.optimizerState());
        lastCheckpoint = performance.now();
      }
    }
    await learner.sync();
    if (heldOut.length > 0 && judgedAt !== state.step && state.step > 0) {
      stage = `Scoring step ${state.step} on the held-out corrections`;
      report();
      await judge(lossCount > 0 ? lossSum / lossCount : null);
    }
    state.seconds = elapsed();
    state.randomState = random.save();
    if (options.onCheckpoint) await options.onCheckpoint(await learner.optimizerState());
  } finally {
    await learner.dispose();
  }
  // Early stopping: the best step judged in this sitting goes back into the model.
  if (bestWeights) restoreWeights(model, bestWeights);
  return { cancelled, losses, backend, train_px_per_s: trainingSeconds > 0 ? Math.round((losses.length * settings.batch * settings.patch ** 2) / trainingSeconds) : 0 };
}

/**
 * Whether scores a beat scores b. On fully labelled held-out slices the ISBI segment score
 * decides (V_rand, higher is better): a one-pixel gap in a membrane merges two neurons, which is
 * what a proofreader has to fix, while it barely moves the pixel error. Otherwise (sparse
 * corrections) the held-out pixel error decides, lower is better.
 */
export function judgedBetter(a: HeldOutScores, b: HeldOutScores): boolean {
  if (a.v_rand !== null && b.v_rand !== null && a.v_rand !== b.v_rand) return a.v_rand > b.v_rand;
  return a.error < b.error;
}
