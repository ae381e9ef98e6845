import os from 'node:os';
import type { CallContext, FineTuneResult, ModelVersionInfo, QualityMetrics, ReviewTile } from '../../protocol/contract.js';
import { CancelledError, isCancellation } from '../base/cancellation.js';
import { logger } from '../base/log.js';
import { CallError } from './CallError.js';
import { scoreHeldOut } from '../metrics/heldOutScores.js';
import { loadModelFolder, saveModelFolder } from '../model/modelFolder.js';
import { openPredictor } from '../predict/openPredictor.js';
import type { Predictor } from '../predict/Predictor.js';
import { predictVolume } from '../predict/predictVolume.js';
import { allocateVoxels, type Volume } from '../io/Volume.js';
import type { Project } from '../project/ProjectStore.js';
import { rankUncertainTiles } from '../review/rankTiles.js';
import { fineTune } from '../train/fineTune.js';
import { replaySetFor } from '../train/replaySet.js';
import { trainingDefaults } from '../train/trainingDefaults.js';

const log = logger('jobs');

/**
 * The long jobs on one project: prediction, fine-tuning, scoring, review ranking. One runs at a
 * time (a fine-tune changes the model a prediction would use); each reports progress with an
 * ETA and stops at the next slice or step when its call is cancelled.
 */
export class ProjectJobs {
  private running: string | null = null;
  private disposed = false;
  /** The active model's predictor, opened on the first prediction and kept until the model changes or the project closes. */
  private predictor: { version: string; ready: Promise<Predictor> } | null = null;

  /** `onPredicted` hears of each slice as soon as its prediction is stored (the app redraws that slice). */
  constructor(
    private readonly project: Project,
    private readonly onPredicted: (z: number, model: string) => void = () => {},
  ) {}

  /** Stops jobs at their next slice or step, and frees the predictor (its thread and session). */
  dispose(): Promise<void> {
    this.disposed = true;
    const open = this.predictor;
    this.predictor = null;
    return open ? open.ready.then((p) => p.dispose(), () => undefined) : Promise.resolve();
  }

  /**
   * The predictor for model `version`: one per open project, reused by every prediction, on a
   * worker thread so the engine keeps serving the viewer. Another version replaces it (the old
   * one is disposed); one that failed to start is tried again next time.
   */
  private predictorFor(version: string): Promise<Predictor> {
    if (this.predictor?.version === version) return this.predictor.ready;
    const previous = this.predictor;
    const ready = (async () => {
      await previous?.ready.then((p) => p.dispose(), () => undefined);
      return openPredictor(this.project.modelDir(version), { background: true });
    })();
    this.predictor = { version, ready };
    ready.catch(() => {
      if (this.predictor?.ready === ready) this.predictor = null;
    });
    return ready;
  }

  /** Predicts these slices with the active model and stores each as it is done (a cancel keeps those). */
  /** With `tta` each slice is predicted in its 8 flips/rotations and averaged: 8× the time, fewer errors. */
  predict(slices: number[], context: CallContext, tta = false): Promise<void> {
    return this.exclusive('predicting', () => this.predictSlices(slices, context, tta ? 'Predicting (8× TTA)' : 'Predicting', tta));
  }

  /**
   * Fine-tunes the active model on the corrections (fineTune: held-out corrections judge it,
   * the best step is kept). The result is always kept as a new version; it becomes active (and
   * what was predicted is predicted again) only when it beats the active model on the held-out
   * corrections by more than the noise. Otherwise the active model stays, and the version's note
   * and the verdict say why.
   */
  fineTune(steps: number, context: CallContext): Promise<Omit<FineTuneResult, 'project'>> {
    return this.exclusive('fine-tuning', async () => {
      const { project } = this;
      const layer = project.corrections;
      const validation = new Set(layer.validationSlices());
      const labelled = layer.labelledSlices();
      if (!labelled.some((z) => !validation.has(z))) {
        throw new CallError('NO_CORRECTIONS', 'There are no corrections to learn from.', { hint: 'Paint some corrections on slices that are not marked for validation first.' });
      }
      // Only the labelled and validation slices matter; a tiled project reads just those.
      const { images, slot, slices: stackSlices } = await trainingImages(project, [...new Set([...labelled, ...validation])].sort((a, b) => a - b));
      const corrections = labelled.map((z) => ({ z: slot(z), labels: layer.slice(z) }));
      const parent = project.activeModel;
      context.progress({ stage: `Loading model ${parent}`, fraction: 0 });
      const model = await loadModelFolder(project.modelDir(parent));
      const started = performance.now();
      let result;
      try {
        const workers = Math.min(2, os.availableParallelism());
        // The replay slices are read only when the fine-tuning recipe mixes them in (off by default).
        const replay = trainingDefaults(true, workers).replayShare > 0 ? await replaySetFor(model) : null;
        result = await fineTune({
          model,
          images,
          corrections,
          validationSlices: [...validation].filter((z) => labelled.includes(z)).map(slot),
          steps,
          workers,
          ...(replay ? { replay } : {}),
          signal: context.signal,
          onProgress: (p) =>
            context.progress({
              stage: p.stage,
              fraction: p.steps > 0 ? p.step / p.steps : null,
              ...(p.etaSeconds !== null ? { etaSeconds: p.etaSeconds } : {}),
              // Before the first step there is no loss yet (NaN would cross the wire as null).
              ...(Number.isFinite(p.loss) ? { training: { step: p.step, steps: p.steps, loss: p.loss, pxPerS: p.pxPerS } } : {}),
            }),
        });
      } finally {
        model.model.dispose();
      }
      try {
        const { verdict } = result;
        const ran = result.cancelled ? `fine-tuned, cancelled after ${result.steps} of ${steps} steps` : `fine-tuned for ${result.steps} steps`;
        const note = `${ran}${result.invertedContrast ? ' from the model with its contrast inverted' : ''}, best at step ${result.bestStep}${verdict.better ? '' : `; not used: ${verdict.improvement !== null && verdict.improvement < 0 ? 'worse' : 'not clearly better'} than ${parent}`}`;
        const said = { better: verdict.better, improvement: verdict.improvement, noise: verdict.noise, reason: verdict.reason };
        const version: ModelVersionInfo = await project.addModelVersion((dir) => saveModelFolder(dir, result.model, result.meta), {
          parent,
          note,
          data: { trainSlices: result.trainSlices.map((k) => stackSlices[k]!), validationSlices: [...validation].sort((a, b) => a - b), labelledPixels: result.labelledPixels },
          metrics: { before: result.before, after: result.after, verdict: said, heldOut: result.heldOut },
        });
        log.info('Fine-tuned', { dir: project.dir, from: parent, version: version.id, steps: result.steps, bestStep: result.bestStep, activated: verdict.better, improvement: verdict.improvement, noise: verdict.noise });
        const reply = { version, activated: verdict.better, verdict: said, bestStep: result.bestStep, cancelled: result.cancelled, steps: result.steps, seconds: 0, losses: result.losses };
        if (!verdict.better) return { ...reply, seconds: Math.round((performance.now() - started) / 1000) };
        await project.setActiveModel(version.id);
        // Re-predict what the user had predicted, so the change shows at once.
        const previouslyPredicted = await project.predictedSlices(parent);
        const toPredict = [...new Set([...previouslyPredicted, ...validation])].sort((a, b) => a - b);
        if (!context.signal.aborted && toPredict.length > 0) {
          await this.predictSlices(toPredict, context, `Re-predicting with ${version.id}`).catch((error: unknown) => {
            if (!isCancellation(error) && !context.signal.aborted) throw error;
          });
        }
        return { ...reply, seconds: Math.round((performance.now() - started) / 1000) };
      } finally {
        result.model.dispose();
      }
    });
  }

  /**
   * The active model's stored predictions scored on the validation slices' corrections: the
   * scores before any training, as soon as a held-out slice has corrections and a prediction.
   */
  async evaluate(): Promise<QualityMetrics | null> {
    const { project } = this;
    const layer = project.corrections;
    const labelled = new Set(layer.labelledSlices());
    const slices: { z: number; labels: Uint8Array; probability: Uint8Array }[] = [];
    for (const z of layer.validationSlices()) {
      if (!labelled.has(z)) continue;
      const probability = await project.loadPrediction(project.activeModel, z);
      if (probability) slices.push({ z, labels: layer.slice(z), probability });
    }
    return scoreHeldOut(slices, project.volume.width, project.volume.height)?.scores ?? null;
  }

  /**
   * Tiles of the predicted slices, most uncertain first, skipping slices already corrected for
   * validation. One slice's prediction is held at a time (a tiled project may have thousands), and
   * the best `limit` so far are kept: the same tiles, in the same order, as ranking all at once.
   */
  async reviewQueue(limit: number): Promise<ReviewTile[]> {
    const { project } = this;
    const { width, height } = project.volume;
    const tile = Math.min(128, width, height);
    let best: ReviewTile[] = [];
    for (const z of await project.predictedSlices(project.activeModel)) {
      // A slice whose stored prediction cannot be read is left out (predicting it again mends it).
      const data = await project.loadPrediction(project.activeModel, z).catch((error: unknown) => {
        log.warn('A stored prediction cannot be read; the review queue leaves its slice out', { dir: project.dir, model: project.activeModel, z, error });
        return null;
      });
      if (!data) continue;
      best = [...best, ...rankUncertainTiles([{ z, data }], width, height, tile, { limit })].sort((a, b) => b.score - a.score).slice(0, limit);
    }
    return best;
  }

  private async predictSlices(slices: number[], context: CallContext, stage: string, tta = false): Promise<void> {
    const { project } = this;
    const version = project.activeModel;
    const { width, height } = project.volume;
    context.progress({ stage: `${stage}: starting the model ${version}`, fraction: 0 });
    const predictor = await this.predictorFor(version);
    log.info('Predicting', { dir: project.dir, model: version, slices: slices.length, provider: predictor.provider.description, tta });
    const started = performance.now();
    for (let k = 0; k < slices.length; k++) {
      context.signal.throwIfAborted();
      if (this.disposed) throw new CancelledError('The project was closed.');
      const z = slices[k]!;
      const slice = { width, height, depth: 1, data: await project.readSlice(z, context.signal) };
      const probability = await predictVolume(slice, predictor, { signal: context.signal, tta });
      await project.savePrediction(version, z, probability);
      this.onPredicted(z, version);
      const perSlice = (performance.now() - started) / 1000 / (k + 1);
      context.progress({
        stage: `${stage} on ${predictor.provider.description}: slice ${z} (${k + 1} of ${slices.length})`,
        fraction: (k + 1) / slices.length,
        etaSeconds: Math.round(perSlice * (slices.length - k - 1)),
      });
    }
  }

  /** Runs a job that must not overlap prediction or fine-tuning (segmentation, meshing). */
  run<T>(what: string, job: () => Promise<T>): Promise<T> {
    return this.exclusive(what, job);
  }

  private async exclusive<T>(what: string, job: () => Promise<T>): Promise<T> {
    if (this.running) throw new CallError('BUSY', `The project is ${this.running}; ${what} has to wait.`, { hint: `Wait for ${this.running} to finish, or cancel it.` });
    this.running = what;
    try {
      return await job();
    } finally {
      this.running = null;
    }
  }
}

/**
 * The image slices fine-tuning reads, as a stack of just those slices, and where each slice z
 * sits in it. A project in memory hands over its stack; a tiled one reads the slices.
 */
export async function trainingImages(project: Project, slices: number[]): Promise<{ images: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>; slot: (z: number) => number; slices: number[] }> {
  const { volume } = project;
  if (volume.data) return { images: { ...volume, data: volume.data }, slot: (z) => z, slices: Array.from({ length: volume.depth }, (_, z) => z) };
  const plane = volume.width * volume.height;
  const data = allocateVoxels(volume.dtype, plane * slices.length);
  for (let k = 0; k < slices.length; k++) data.set(await project.readSlice(slices[k]!), k * plane);
  const index = new Map(slices.map((z, k) => [z, k]));
  return { images: { width: volume.width, height: volume.height, depth: slices.length, data }, slot: (z) => index.get(z)!, slices };
}
