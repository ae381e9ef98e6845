import type { LoopSettings } from './trainLoop.js';

/** Settings a caller may give; the rest come from trainingDefaults. */
export type SettingsGiven = Partial<LoopSettings>;

/**
 * The one recipe's defaults. From scratch: Adam at 1e-3 on the cosine schedule, judged every
 * 100 steps. From a model (fine-tuning, the app and `train --init` alike): a lower rate with a
 * warm-up, so the first steps of a fresh Adam do not shake what the model knows, judged every
 * 20 steps to stop early, and a quarter of the patches from the model's replay set (its original
 * training data), when it has one, against forgetting. Values chosen by engine/bench/fineTuneBench.ts.
 */
export function trainingDefaults(fromModel: boolean, workers: number): LoopSettings {
  return {
    seed: 1,
    batch: Math.max(2, workers),
    patch: 256,
    learningRate: fromModel ? 5e-4 : 1e-3,
    lrDecay: 'cosine',
    warmupSteps: fromModel ? 10 : 0,
    evalEvery: fromModel ? 20 : 100,
    replayShare: fromModel ? 0.25 : 0,
  };
}

/** Defaults overlaid with what was given, each checked (`what` names the caller in errors: "--lr", "Fine-tuning learning rate"). */
export function loopSettings(fromModel: boolean, workers: number, given: SettingsGiven, multiple: number): LoopSettings {
  const settings = { ...trainingDefaults(fromModel, workers), ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) } as LoopSettings;
  const whole = (name: string, value: number, least: number): void => {
    if (!Number.isInteger(value) || value < least) throw new RangeError(`The ${name} must be a whole number, ${least} or more, not ${value}.`);
  };
  whole('seed', settings.seed, 0);
  whole('batch', settings.batch, 1);
  whole('warm-up steps', settings.warmupSteps, 0);
  whole('steps between judgements', settings.evalEvery, 1);
  if (settings.batch < workers) throw new RangeError(`The batch (${settings.batch}) is smaller than the workers (${workers}): each worker trains on a share of a step's patches, so use a batch of ${workers} or more.`);
  if (!Number.isInteger(settings.patch) || settings.patch < multiple || settings.patch % multiple !== 0) throw new RangeError(`The patch (${settings.patch}) must be a positive multiple of ${multiple} for this model.`);
  if (!(settings.learningRate > 0)) throw new RangeError(`The learning rate must be above 0, not ${settings.learningRate}.`);
  if (settings.lrDecay !== 'none' && settings.lrDecay !== 'cosine') throw new RangeError(`The learning-rate decay must be none or cosine, not ${String(settings.lrDecay)}.`);
  if (!(settings.replayShare >= 0 && settings.replayShare < 1)) throw new RangeError(`The replay share must be at least 0 and below 1, not ${settings.replayShare}.`);
  return settings;
}
