#!/usr/bin/env node
/**
 * `npm run bench`: prediction as users meet it (predictBench: `membrana predict` as a whole
 * process on 8 and 1 slices of 512², PyTorch doing the same as a whole process, peak RSS, and the
 * app's steady state per slice), the same network's in-process throughput on ONNX Runtime beside
 * PyTorch's, and training on TensorFlow.js (this thread, and a TrainingPool of 2 workers) beside
 * PyTorch's. Figures, not pass/fail: compare ratios from one run, since the machine is shared and
 * noisy. Targets: whole-process prediction ≥ 2× PyTorch with peak RSS ≤ 600 MB, one slice < 1 s,
 * the app < 0.3 s a slice after the first; training ≥ 0.5× PyTorch.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildUnet, DEFAULT_ARCHITECTURE } from '../model/buildUnet.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { selectBackend } from '../model/selectBackend.js';
import { tf } from '../model/tfjs.js';
import { openPredictor } from '../predict/openPredictor.js';
import { predictVolume } from '../predict/predictVolume.js';
import { membraneLoss } from '../train/membraneLoss.js';
import { TrainingPool } from '../train/TrainingPool.js';
import { benchPrediction } from './predictBench.js';

const SLICE = 512;
const PATCH = 256;
// Training batch, for both sides: the issue compares at 4 × 256² (each of the 2 workers takes 2 patches).
const BATCH = 4;
const architecture = DEFAULT_ARCHITECTURE;
const POOL_WORKERS = 2;

/** Best wall time of `repeats` runs after a warm-up, and the cores this process kept busy in it (all threads). */
async function timeBest(fn: () => Promise<void>, repeats: number): Promise<{ seconds: number; cores: number }> {
  await fn();
  let best = { seconds: Infinity, cores: 0 };
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    await fn();
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    if (seconds < best.seconds) best = { seconds, cores: (used.user + used.system) / 1e6 / seconds };
  }
  return best;
}

// Whole processes first, while this one is still small and idle.
const whole = await benchPrediction();

// The shipped network on ONNX Runtime in this process (every core): 4 slices, best of 2.
const slices = 4;
const volume = { width: SLICE, height: SLICE, depth: slices, data: new Uint8Array(SLICE * SLICE * slices).map((_, i) => (i * 2654435761) % 251) };
const predictor = await openPredictor(shippedModelDir());
let predictTime: Awaited<ReturnType<typeof timeBest>>;
try {
  predictTime = await timeBest(async () => void (await predictVolume(volume, predictor)), 2);
} finally {
  await predictor.dispose();
}
const predictPxPerS = (SLICE * SLICE * slices) / predictTime.seconds;

const backend = await selectBackend();
const model = buildUnet(architecture, 1);
const optimizer = tf.train.adam(1e-3);
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const x = tf.randomNormal([BATCH, PATCH, PATCH, 1], 0, 1, 'float32', 1);
const target = tf.cast(tf.greater(tf.randomUniform([BATCH, PATCH, PATCH, 1], 0, 1, 'float32', 2), 0.7), 'float32');
const weight = tf.onesLike(target);
const trainTime = await timeBest(async () => {
  const cost = optimizer.minimize(() => membraneLoss(model.apply(x, { training: true }) as tf.Tensor, target, weight), true, variables);
  await cost!.data();
  cost!.dispose();
}, 3);
const trainPxPerS = (BATCH * PATCH * PATCH) / trainTime.seconds;
const batch = { count: BATCH, size: PATCH, x: Float32Array.from(await x.data()), target: Float32Array.from(await target.data()), weight: Float32Array.from(await weight.data()) };
tf.dispose([x, target, weight]);
const trainingPool = await TrainingPool.start(model, { workers: POOL_WORKERS, learningRate: 1e-3 });
let poolTrainTime: Awaited<ReturnType<typeof timeBest>>;
try {
  poolTrainTime = await timeBest(async () => void (await trainingPool.step(batch)), 3);
} finally {
  await trainingPool.dispose();
}
const poolTrainPxPerS = (BATCH * PATCH * PATCH) / poolTrainTime.seconds;

const membrana = {
  provider: whole.provider,
  predict_8_slices_seconds: round(whole.membrana8.seconds),
  predict_8_slices_peak_rss_mb: whole.membrana8.peakRssMb,
  predict_1_slice_seconds: round(whole.membrana1.seconds),
  predict_1_slice_peak_rss_mb: whole.membrana1.peakRssMb,
  app_first_slice_seconds: round(whole.appSliceSeconds.first),
  app_slice_seconds: round(whole.appSliceSeconds.mean),
  app_slice_worst_seconds: round(whole.appSliceSeconds.worst),
  predict_px_per_s: Math.round(predictPxPerS),
  predict_cores_busy: Number(predictTime.cores.toFixed(2)),
  training_backend: backend.description,
  train_px_per_s: Math.round(trainPxPerS),
  train_workers_px_per_s: Math.round(poolTrainPxPerS),
  train_workers: POOL_WORKERS,
  train_cores_busy: Number(trainTime.cores.toFixed(2)),
  train_workers_cores_busy: Number(poolTrainTime.cores.toFixed(2)),
};

const torch = runTorch();
const torchWhole = whole.torch8 ? { predict_8_slices_seconds: round(whole.torch8.seconds), predict_8_slices_peak_rss_mb: whole.torch8.peakRssMb } : null;
console.log(`Membrana benchmark: U-Net levels ${architecture.levels}, base ${architecture.base}; prediction on ${SLICE}² slices, training on ${BATCH} × ${PATCH}² patches`);
const rows: [string, string, string, string][] = [['', 'Membrana', 'PyTorch CPU', 'Membrana speed']];
const faster = (ours: number, theirs: number | undefined | null): string => (theirs ? `${(theirs / ours).toFixed(2)}×` : '—');
const ratio = (a: number, b: number | undefined): string => (b ? `${(a / b).toFixed(2)}×` : '—');
const mb = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : `${value} MB`);
rows.push(['prediction runs on', whole.provider, torch ? `torch ${torch.torch}, ${torch.threads} threads` : whole.torchVersion ? `torch ${whole.torchVersion}, 2 threads` : 'not available', '']);
rows.push(['`predict` 8 × 512², whole process', `${whole.membrana8.seconds.toFixed(2)} s`, torchWhole ? `${whole.torch8!.seconds.toFixed(2)} s` : '—', faster(whole.membrana8.seconds, whole.torch8?.seconds)]);
rows.push(['  its peak memory', mb(whole.membrana8.peakRssMb), mb(whole.torch8?.peakRssMb), '']);
rows.push(['`predict` 1 × 512², whole process', `${whole.membrana1.seconds.toFixed(2)} s`, '', '']);
rows.push(['app, a 512² slice after the first', `${whole.appSliceSeconds.mean.toFixed(3)} s (worst ${whole.appSliceSeconds.worst.toFixed(3)}, first ${whole.appSliceSeconds.first.toFixed(2)})`, '', '']);
rows.push(['prediction px/s, in process', fmt(membrana.predict_px_per_s) + busy(predictTime.cores), torch ? fmt(torch.predict_px_per_s) : '—', ratio(membrana.predict_px_per_s, torch?.predict_px_per_s)]);
rows.push(['training backend', backend.description, '', '']);
rows.push(['training px/s, 1 thread', fmt(membrana.train_px_per_s) + busy(trainTime.cores), torch ? fmt(torch.train_px_per_s) : '—', ratio(membrana.train_px_per_s, torch?.train_px_per_s)]);
rows.push([`training px/s, ${POOL_WORKERS} workers`, fmt(membrana.train_workers_px_per_s) + busy(poolTrainTime.cores), torch ? fmt(torch.train_px_per_s) : '—', ratio(membrana.train_workers_px_per_s, torch?.train_px_per_s)]);
rows.push([`training, ${POOL_WORKERS} workers / 1 thread`, `${(membrana.train_workers_px_per_s / membrana.train_px_per_s).toFixed(2)}×`, '', '']);
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log('Targets: whole-process prediction ≥ 2.00× PyTorch, peak memory ≤ 600 MB, one slice < 1 s, the app < 0.3 s a slice; training ≥ 0.50× PyTorch.');
console.log(JSON.stringify({ membrana, pytorch: torch ? { ...torch, ...torchWhole } : torchWhole }));

function round(seconds: number): number {
  return Number(seconds.toFixed(3));
}

function busy(cores: number): string {
  return ` (${cores.toFixed(2)} cores busy)`;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en');
}

function runTorch(): { torch: string; threads: number; predict_px_per_s: number; train_px_per_s: number; peak_rss_mb: number } | null {
  const script = fileURLToPath(new URL('../../../engine/bench/torchUnet.py', import.meta.url));
  if (!existsSync(script)) return null;
  // Debian's python3-torch lives with /usr/bin/python3; a pyenv python3 earlier on PATH lacks it.
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    } catch {
      continue;
    }
    const out = execFileSync(python, [script, String(architecture.levels), String(architecture.base), String(PATCH), String(BATCH), String(SLICE), '2'], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!) as ReturnType<typeof runTorch> & object;
  }
  console.error('PyTorch is not available (python3 -c "import torch" fails); install Debian\'s python3-torch for the comparison.');
  return null;
}
