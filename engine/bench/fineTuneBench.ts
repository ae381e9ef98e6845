#!/usr/bin/env node
/**
 * `npm run bench`, fine-tuning part: the shipped model fine-tuned on ISBI 2012 slices 0–21
 * under three shifts (engine/bench/benchShifts.ts), each scored before and after on slices that
 * were not corrected, with the ISBI metrics against the true labels.
 *   mild   gamma, blur, contrast squeeze, noise; slices 0–1 fully corrected; scored on 2–7.
 *          Run twice: as `membrana train --init` with its defaults (cli) and as the app (app).
 *          Target: after ≥ before − 0.005 V_rand.
 *   hard   inverted contrast, 0.75× coarser pixels, noise; slices 0–1 fully corrected; scored
 *          on 2–7; CLI defaults, 2 minutes. Target: after ≥ 0.92 V_rand.
 *   sparse the mild shift; slices 0–3 corrected only where the shipped model is wrong, widened
 *          by 3 px, as people correct; the app's path; scored on 4–9. Target: after > before.
 * Nothing is marked for validation: held-out corrections are set aside automatically.
 * Options: --scenario mild|hard|sparse (repeatable; default all), --minutes M (training budget
 * per run, default 2), --steps N (a step budget too), --workers N (default 2 where there are 2 cores), --path cli|app (mild:
 * default both), --replay-share X, --lr X, --context N, --trainable all|P1,P2 (layer-name prefixes) (override the defaults to compare recipes).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findAppRoot } from '../base/appRoot.js';
import { readVolume } from '../io/readVolume.js';
import { pixelVoxelSize, type Volume } from '../io/Volume.js';
import { evaluateSlices } from '../metrics/evaluateSlices.js';
import { loadModelFolder, shippedModelDir, type LoadedModel } from '../model/modelFolder.js';
import { selectBackend } from '../model/selectBackend.js';
import { fineTune } from '../train/fineTune.js';
import { predictSlicesOf } from '../train/predictSlicesOf.js';
import { replaySetFor } from '../train/replaySet.js';
import { reviewedContextOfRadius } from '../train/reviewedContext.js';
import { trainModel } from '../train/trainModel.js';
import { correctWhereWrong, hardShift, hardShiftLabels, mildShift, type Stack } from './benchShifts.js';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    minutes: { type: 'string', default: '2' },
    steps: { type: 'string' },
    workers: { type: 'string' },
    path: { type: 'string' },
    'replay-share': { type: 'string' },
    lr: { type: 'string' },
    context: { type: 'string' },
    trainable: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
/** A step budget instead (to compare recipes on a busy machine, where minutes buy fewer steps). */
const stepBudget = values.steps !== undefined ? Number(values.steps) : undefined;
const workers = values.workers !== undefined ? Number(values.workers) : Math.min(2, os.availableParallelism());
const scenarios = values.scenario ?? ['mild', 'hard', 'sparse'];
const replayShare = values['replay-share'] !== undefined ? Number(values['replay-share']) : undefined;
const learningRate = values.lr !== undefined ? Number(values.lr) : undefined;
/** --context N: radius of the reviewed context around sparse corrections (0: off); default the recipe's. */
const reviewedContext = values.context === undefined ? undefined : reviewedContextOfRadius(Number(values.context));
/** --trainable all|P1,P2: the layers fine-tuning changes, by name prefix (default the recipe's). */
const trainable = values.trainable === undefined ? undefined : values.trainable === 'all' ? 'all' : values.trainable.split(',');

const dataDir = path.join(findAppRoot(), '..', 'shared', 'data', 'isbi2012');
const volumeFile = path.join(dataDir, 'train-volume.tif');
const labelsFile = path.join(dataDir, 'train-labels.tif');
if (!existsSync(volumeFile) || !existsSync(labelsFile)) {
  console.log(`Fine-tuning benchmark skipped: it needs ${volumeFile} and ${labelsFile} (the ISBI 2012 training data).`);
  process.exit(0);
}
const backend = await selectBackend();
const [volume, labelVolume] = await Promise.all([readVolume(volumeFile), readVolume(labelsFile)]);
const SLICES = 22;
const plane0 = volume.width * volume.height;
const take = (v: typeof volume): Stack => ({ width: v.width, height: v.height, depth: SLICES, data: (v.data as Uint8Array).slice(0, SLICES * plane0) });
const isbi = { images: take(volume), labels: take(labelVolume) };
const shipped = await loadModelFolder(shippedModelDir());
const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-finetune-bench-'));

/** V_rand, V_info and ISBI pixel error of a model on slices `zs` against the true labels. */
async function score(model: LoadedModel, images: Stack, labels: Stack, zs: number[]): Promise<{ v_rand: number; v_info: number; pixel_error: number }> {
  const plane = images.width * images.height;
  const predicted = await predictSlicesOf(model, images, zs, { workers });
  const probability = new Float32Array(plane * zs.length);
  const truth = new Uint8Array(plane * zs.length);
  zs.forEach((z, k) => {
    for (let i = 0; i < plane; i++) probability[k * plane + i] = predicted[k]![i]! / 255;
    truth.set(labels.data.subarray(z * plane, (z + 1) * plane), k * plane);
  });
  const r = evaluateSlices(probability, truth, images.width, images.height, zs.length);
  return { v_rand: r.v_rand, v_info: r.v_info, pixel_error: r.pixel_error };
}

/** Per corrected slice: the truth as a correction (1 membrane, 2 cell), everywhere or where `only` is set. */
function truthCorrection(labels: Stack, z: number, only?: Uint8Array): { z: number; labels: Uint8Array } {
  const plane = labels.width * labels.height;
  const truth = labels.data.subarray(z * plane, (z + 1) * plane);
  return { z, labels: only ? only : Uint8Array.from(truth, (v) => (v === 0 ? 1 : 2)) };
}

interface Run {
  scenario: string;
  path: 'cli' | 'app';
  before: Awaited<ReturnType<typeof score>>;
  after: Awaited<ReturnType<typeof score>>;
  /** The trained model's scores whether or not it was used (to see what the verdict saved us from). */
  trained: Awaited<ReturnType<typeof score>>;
  seconds: number;
  steps: number;
  best_step: number;
  verdict: string;
  used: boolean;
  held_out_before: number | null;
  held_out_after: number | null;
}

async function runScenario(name: string, images: Stack, labels: Stack, corrections: { z: number; labels: Uint8Array }[], scored: number[], how: 'cli' | 'app'): Promise<Run> {
  const before = await score(shipped, images, labels, scored);
  const started = performance.now();
  let model: LoadedModel;
  let trainedModel: LoadedModel | null;
  let steps: number, bestStep: number, verdict: string, used: boolean, heldBefore: number | null, heldAfter: number | null;
  if (how === 'app') {
    const replay = await replaySetFor(shipped);
    const result = await fineTune({ model: shipped, images, corrections, validationSlices: [], minutes, steps: stepBudget ?? 10_000, workers, ...(replay ? { replay } : {}), replayShare, learningRate, reviewedContext, trainable });
    ({ steps, bestStep } = result);
    verdict = result.verdict.reason;
    used = result.verdict.better;
    heldBefore = result.before?.error ?? null;
    heldAfter = result.after?.error ?? null;
    // As the app: the new version is used only when the verdict says it is better.
    trainedModel = { dir: '(fine-tuned)', model: result.model, meta: result.meta };
    model = used ? trainedModel : shipped;
  } else {
    // As `membrana train --init shipped --minutes M` on a label stack with only the corrected slices labelled.
    const plane = images.width * images.height;
    const labelStack = new Uint8Array(images.depth * plane).fill(128);
    for (const c of corrections) for (let i = 0; i < plane; i++) labelStack[c.z * plane + i] = c.labels[i] === 1 ? 0 : c.labels[i] === 2 ? 255 : 128;
    const outDir = path.join(tmp, `${name}-${how}`);
    const stack = (data: Uint8Array, source: string): Volume => ({ ...images, data, dtype: 'uint8', source, name: source, format: 'bench', voxelSize: pixelVoxelSize() });
    const result = await trainModel({ images: stack(images.data, 'shifted'), labels: stack(labelStack, 'corrections'), init: shippedModelDir(), outDir, minutes, steps: stepBudget, validation: null, workers, backend: backend.description, replayShare, learningRate, reviewedContext, trainable });
    steps = result.steps;
    bestStep = result.best?.step ?? 0;
    verdict = result.verdict?.reason ?? '';
    used = result.written === 'trained';
    heldBefore = result.start?.error ?? null;
    heldAfter = result.best?.error ?? null;
    model = await loadModelFolder(outDir);
    trainedModel = used ? model : existsSync(path.join(outDir, 'not-better', 'weights.bin')) ? await loadModelFolder(path.join(outDir, 'not-better')) : null;
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await score(model, images, labels, scored);
  const trained = trainedModel === model ? after : trainedModel ? await score(trainedModel, images, labels, scored) : before;
  if (model !== shipped) model.model.dispose();
  if (trainedModel && trainedModel !== model) trainedModel.model.dispose();
  return { scenario: name, path: how, before, after, trained, seconds, steps, best_step: bestStep, verdict, used, held_out_before: heldBefore, held_out_after: heldAfter };
}

const runs: Run[] = [];
const mildImages = mildShift(isbi.images);
for (const scenario of scenarios) {
  if (scenario === 'mild') {
    const corrections = [0, 1].map((z) => truthCorrection(isbi.labels, z));
    for (const how of values.path ? [values.path as 'cli' | 'app'] : (['cli', 'app'] as const)) runs.push(await runScenario('mild', mildImages, isbi.labels, corrections, [2, 3, 4, 5, 6, 7], how));
  } else if (scenario === 'hard') {
    const images = hardShift(isbi.images);
    const labels = hardShiftLabels(isbi.labels);
    runs.push(await runScenario('hard', images, labels, [0, 1].map((z) => truthCorrection(labels, z)), [2, 3, 4, 5, 6, 7], (values.path as 'cli' | 'app') ?? 'cli'));
  } else if (scenario === 'sparse') {
    const corrected = [0, 1, 2, 3];
    const plane = mildImages.width * mildImages.height;
    const predicted = await predictSlicesOf(shipped, mildImages, corrected, { workers });
    const corrections = corrected.map((z, k) => truthCorrection(isbi.labels, z, correctWhereWrong(predicted[k]!, isbi.labels.data.subarray(z * plane, (z + 1) * plane), mildImages.width, mildImages.height)));
    const share = corrections.reduce((n, c) => n + c.labels.filter((v) => v > 0).length, 0) / (plane * corrected.length);
    console.error(`sparse: corrections cover ${(100 * share).toFixed(1)}% of slices ${corrected.join(', ')}`);
    runs.push(await runScenario('sparse', mildImages, isbi.labels, corrections, [4, 5, 6, 7, 8, 9], (values.path as 'cli' | 'app') ?? 'app'));
  } else {
    throw new Error(`--scenario must be mild, hard or sparse, not "${scenario}".`);
  }
  const run = runs.at(-1)!;
  console.log(`${run.scenario} (${run.path}): V_rand ${run.before.v_rand.toFixed(4)} → ${run.after.v_rand.toFixed(4)} (trained model ${run.trained.v_rand.toFixed(4)}), V_info ${run.before.v_info.toFixed(4)} → ${run.after.v_info.toFixed(4)} on uncorrected slices; ${run.steps} steps (best ${run.best_step}) in ${run.seconds.toFixed(0)} s; ${run.used ? 'used' : 'not used'}: ${run.verdict}`);
}
shipped.model.dispose();
rmSync(tmp, { recursive: true, force: true });

const targets: Record<string, (r: Run) => string> = {
  mild: (r) => `after ≥ before − 0.005: ${r.after.v_rand >= r.before.v_rand - 0.005 ? 'met' : 'MISSED'}`,
  hard: (r) => `after ≥ 0.92 in ≤ 2 min: ${r.after.v_rand >= 0.92 && r.seconds <= 130 ? 'met' : 'MISSED'}`,
  sparse: (r) => `after > before: ${r.after.v_rand > r.before.v_rand ? 'met' : 'MISSED'}`,
};
console.log(`\nFine-tuning benchmark (${backend.description}, ${workers} worker${workers > 1 ? 's' : ''}, ${minutes} min budget per run), V_rand on uncorrected slices:`);
console.log('scenario  path  before  after   trained  held-out error  s    target');
for (const r of runs) {
  const held = r.held_out_before !== null && r.held_out_after !== null ? `${r.held_out_before.toFixed(3)}→${r.held_out_after.toFixed(3)}` : '—';
  console.log(`${r.scenario.padEnd(8)}  ${r.path.padEnd(4)}  ${r.before.v_rand.toFixed(4)}  ${r.after.v_rand.toFixed(4)}  ${r.trained.v_rand.toFixed(4)}   ${held.padEnd(14)}  ${r.seconds.toFixed(0).padStart(3)}  ${targets[r.scenario]!(r)}`);
}
console.log(JSON.stringify({ fine_tune: { backend: backend.description, workers, minutes, runs } }));
