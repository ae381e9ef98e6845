#!/usr/bin/env node
/**
 * `npm run bench`: throughput of the shipped architecture on the active backend, side by side
 * with the same network in PyTorch (CPU) when Python has torch. Figures, not pass/fail: compare
 * ratios from one run, since the machine is shared and noisy. Prediction is timed on this thread
 * and on a PredictionPool of 2 workers, side by side, so the gain from the second core shows;
 * training likewise on this thread and on a TrainingPool of 2 workers (each takes half the batch).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildUnet, DEFAULT_ARCHITECTURE } from '../model/buildUnet.js';
import { DEFAULT_NORMALIZATION, type LoadedModel } from '../model/modelFolder.js';
import { selectBackend } from '../model/selectBackend.js';
import { tf } from '../model/tfjs.js';
import { PredictionPool } from '../predict/PredictionPool.js';
import { predictVolume } from '../predict/predictVolume.js';
import { membraneLoss } from '../train/membraneLoss.js';
import { TrainingPool } from '../train/TrainingPool.js';

const SLICE = 512;
const PATCH = 256;
const BATCH = 2;
const architecture = DEFAULT_ARCHITECTURE;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

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

const backend = await selectBackend();
const model = buildUnet(architecture, 1);
const loaded: LoadedModel = {
  dir: '(untrained, for timing)',
  model,
  meta: { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 640, overlap: 32 } },
};
const slices = 4;
const volume = { width: SLICE, height: SLICE, depth: slices, data: new Uint8Array(SLICE * SLICE * slices).map((_, i) => (i * 2654435761) % 251) };
const predictTime = await timeBest(async () => void (await predictVolume(volume, loaded)), 2);
const predictPxPerS = (SLICE * SLICE * slices) / predictTime.seconds;
const POOL_WORKERS = 2;
const pool = await PredictionPool.start(loaded, POOL_WORKERS);
let poolTime: Awaited<ReturnType<typeof timeBest>>;
try {
  poolTime = await timeBest(async () => void (await predictVolume(volume, pool)), 2);
} finally {
  await pool.dispose();
}
const poolPxPerS = (SLICE * SLICE * slices) / poolTime.seconds;

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
clearInterval(sampler);

const membrana = {
  backend: backend.description,
  predict_px_per_s: Math.round(predictPxPerS),
  predict_workers_px_per_s: Math.round(poolPxPerS),
  predict_workers: POOL_WORKERS,
  // Cores busy while predicting: below the worker count when other processes hold the cores.
  predict_cores_busy: Number(predictTime.cores.toFixed(2)),
  predict_workers_cores_busy: Number(poolTime.cores.toFixed(2)),
  train_px_per_s: Math.round(trainPxPerS),
  train_workers_px_per_s: Math.round(poolTrainPxPerS),
  train_workers: POOL_WORKERS,
  train_cores_busy: Number(trainTime.cores.toFixed(2)),
  train_workers_cores_busy: Number(poolTrainTime.cores.toFixed(2)),
  peak_rss_mb: Math.round(peakRss / 1024 ** 2),
};

const torch = runTorch();
console.log(`Membrana benchmark: U-Net levels ${architecture.levels}, base ${architecture.base}; prediction on ${SLICE}² slices, training on ${BATCH} × ${PATCH}² patches`);
const rows: [string, string, string, string][] = [['', 'Membrana (tfjs)', 'PyTorch CPU', 'ratio']];
const ratio = (a: number, b: number | undefined): string => (b ? `${(a / b).toFixed(2)}×` : '—');
rows.push(['backend', membrana.backend, torch ? `torch ${torch.torch}, ${torch.threads} threads` : 'not available', '']);
const busy = (cores: number): string => ` (${cores.toFixed(2)} cores busy)`;
rows.push(['prediction px/s, 1 thread', fmt(membrana.predict_px_per_s) + busy(predictTime.cores), torch ? fmt(torch.predict_px_per_s) : '—', ratio(membrana.predict_px_per_s, torch?.predict_px_per_s)]);
rows.push([`prediction px/s, ${POOL_WORKERS} workers`, fmt(membrana.predict_workers_px_per_s) + busy(poolTime.cores), torch ? fmt(torch.predict_px_per_s) : '—', ratio(membrana.predict_workers_px_per_s, torch?.predict_px_per_s)]);
rows.push([`prediction, ${POOL_WORKERS} workers / 1 thread`, `${(membrana.predict_workers_px_per_s / membrana.predict_px_per_s).toFixed(2)}×`, '', '']);
rows.push(['training px/s, 1 thread', fmt(membrana.train_px_per_s) + busy(trainTime.cores), torch ? fmt(torch.train_px_per_s) : '—', ratio(membrana.train_px_per_s, torch?.train_px_per_s)]);
rows.push([`training px/s, ${POOL_WORKERS} workers`, fmt(membrana.train_workers_px_per_s) + busy(poolTrainTime.cores), torch ? fmt(torch.train_px_per_s) : '—', ratio(membrana.train_workers_px_per_s, torch?.train_px_per_s)]);
rows.push([`training, ${POOL_WORKERS} workers / 1 thread`, `${(membrana.train_workers_px_per_s / membrana.train_px_per_s).toFixed(2)}×`, '', '']);
rows.push(['peak memory MB', fmt(membrana.peak_rss_mb), torch ? fmt(torch.peak_rss_mb) : '—', '']);
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log('Targets: prediction ≥ 1.00× PyTorch, training ≥ 0.50× PyTorch.');
console.log(JSON.stringify({ membrana, pytorch: torch ?? null }));

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
