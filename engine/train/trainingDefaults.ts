import type { LoopSettings } from './trainLoop.js';

/** Settings a caller may give; the rest come from trainingDefaults. */
export type SettingsGiven = Partial<LoopSettings>;

/**
 * The one recipe's defaults. From scratch: Adam at 1e-3 on the cosine schedule, judged every
 * 100 steps. From a model (fine-tuning, the app and `train --init` alike): the same rate after a
 * 10-step warm-up (a fresh Adam's first steps move every weight by about the learning rate),
 * judged every 20 steps to stop early. No replay by default: on the hard shift of the
 * fine-tuning bench, a quarter of the patches from the replay set slowed learning (held-out error
 * 0.233 against 0.196 without, after 80 steps at 5e-4), and 1e-3 beat 5e-4 (0.183); the verdict
 * keeps a model that forgot more than it learnt out of use. `replayShare` turns replay on.
 *
 * From a model, only the first block (`down0_`, the layers that see the image) is trained, and
 * the start is also tried with its contrast inverted. Measured with fineTuneBench (2 workers,
 * 120 steps; V_rand on uncorrected slices, all layers → first block only): sparse corrections
 * 0.9527 → 0.9509 → 0.9616; mild shift, the trained model 0.9491 → 0.9544; hard shift (inverted)
 * 0.905 → 0.319 without the inverted start, 0.949 either way with it (the inverted start wins);
 * and a step takes about 0.6× the time. A shift in the image is what fine-tuning meets; the
 * deeper layers, which know what membranes look like, are kept.
 */
export function trainingDefaults(fromModel: boolean, workers: number): LoopSettings {
  return {
    seed: 1,
    batch: Math.max(2, workers),
    patch: 256,
    learningRate: 1e-3,
    lrDecay: 'cosine',
    warmupSteps: fromModel ? 10 : 0,
    evalEvery: fromModel ? 20 : 100,
    replayShare: 0,
    trainable: fromModel ? ['down0_'] : 'all',
    tryInvertedContrast: fromModel,
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
  if (settings.trainable !== 'all' && !(Array.isArray(settings.trainable) && settings.trainable.length > 0 && settings.trainable.every((p) => typeof p === 'string' && p.length > 0))) {
    throw new RangeError(`The trainable layers must be all or a list of layer-name prefixes, not ${JSON.stringify(settings.trainable)}.`);
  }
  if (!(settings.replayShare >= 0 && settings.replayShare < 1)) throw new RangeError(`The replay share must be at least 0 and below 1, not ${settings.replayShare}.`);
  return settings;
}
