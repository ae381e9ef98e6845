/**
 * Prediction figures for `npm run bench`, each as users meet them: `membrana predict` as a whole
 * process (node start, reading, the model's session, writing; best of 3) on 8 and on 1 slices of
 * 512², beside the same network in PyTorch on the CPU as a whole process (torchPredict.py, 2
 * threads, same slices), with peak RSS from /usr/bin/time; and the app's steady state, a 512²
 * slice at a time on the predictor a project keeps (a worker thread), after the first.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findAppRoot } from '../base/appRoot.js';
import { readTiff } from '../io/readTiff.js';
import { writeTiff } from '../io/writeTiff.js';
import { DEFAULT_ARCHITECTURE } from '../model/buildUnet.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { openPredictor } from '../predict/openPredictor.js';
import { predictVolume } from '../predict/predictVolume.js';

const run = promisify(execFile);
const SIDE = 512;
const TIME = '/usr/bin/time';

export interface ProcessRun {
  seconds: number;
  /** Peak resident memory of the process (MB), where /usr/bin/time can say. */
  peakRssMb: number | null;
}

export interface PredictFigures {
  provider: string;
  membrana8: ProcessRun;
  membrana1: ProcessRun;
  torch8: ProcessRun | null;
  torchVersion: string | null;
  /** The app: seconds per 512² slice after the first, mean and worst of the slices timed. */
  appSliceSeconds: { first: number; mean: number; worst: number };
}

/** Wall time and peak RSS of one command, best of `repeats` (by time). */
async function bestOf(repeats: number, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  let best: ProcessRun = { seconds: Infinity, peakRssMb: null };
  const timed = existsSync(TIME);
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const { stderr } = timed ? await run(TIME, ['-f', 'membrana-bench-rss-kb %M', command, ...args], { cwd, env, maxBuffer: 16 << 20 }) : await run(command, args, { cwd, env, maxBuffer: 16 << 20 });
    const seconds = (performance.now() - started) / 1000;
    const rss = /membrana-bench-rss-kb (\d+)/.exec(stderr);
    if (seconds < best.seconds) best = { seconds, peakRssMb: rss ? Math.round(Number(rss[1]) / 1024) : null };
  }
  return best;
}

/** Slices 0… of the ISBI test volume when the shared data is there, else EM-like noise. */
function slices(depth: number): Uint8Array {
  const isbi = path.join(findAppRoot(), '..', 'shared', 'data', 'isbi2012', 'test-volume.tif');
  if (existsSync(isbi)) return readTiff(new Uint8Array(readFileSync(isbi)), 'test-volume.tif').data.subarray(0, SIDE * SIDE * depth) as Uint8Array;
  let seed = 7;
  return Uint8Array.from({ length: SIDE * SIDE * depth }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
}

/** Debian's python3-torch lives with /usr/bin/python3; a pyenv python3 earlier on PATH lacks it. */
async function pythonWithTorch(): Promise<{ python: string; version: string } | null> {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const { stdout } = await run(python, ['-c', 'import torch, numpy; print(torch.__version__)']);
      return { python, version: stdout.trim() };
    } catch {
      // try the next one
    }
  }
  return null;
}

export async function benchPrediction(): Promise<PredictFigures> {
  const root = findAppRoot();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'membrana-predict-bench-'));
  try {
    const eight = slices(8);
    for (const depth of [1, 8]) {
      await writeFile(path.join(tmp, `in${depth}.tif`), writeTiff({ width: SIDE, height: SIDE, depth, dtype: 'uint8', data: eight.subarray(0, SIDE * SIDE * depth) }));
    }
    await writeFile(path.join(tmp, 'in8.raw'), eight);
    const cli = path.join(root, 'bin', 'membrana.js');
    // A first run makes model.onnx if it is missing, outside the timing.
    await run(process.execPath, [cli, 'predict', 'in1.tif', '-o', 'warm.tif'], { cwd: tmp });
    const membrana8 = await bestOf(3, process.execPath, [cli, 'predict', 'in8.tif', '-o', 'out8.tif'], tmp);
    const membrana1 = await bestOf(3, process.execPath, [cli, 'predict', 'in1.tif', '-o', 'out1.tif'], tmp);
    const torch = await pythonWithTorch();
    const { levels, base } = DEFAULT_ARCHITECTURE;
    const torch8 = torch
      ? await bestOf(3, torch.python, [path.join(root, 'engine', 'bench', 'torchPredict.py'), String(levels), String(base), String(SIDE), String(SIDE), '8', '2', path.join(tmp, 'in8.raw'), path.join(tmp, 'torch8.raw')], tmp, {
          ...process.env,
          PYTHONPATH: path.join(root, 'engine', 'bench'),
        }).then((best) => best, () => null)
      : null;

    // The app: a project's predictor on a worker thread, one slice per call as ProjectJobs asks.
    const predictor = await openPredictor(shippedModelDir(), { background: true });
    const provider = predictor.provider.description;
    const times: number[] = [];
    try {
      for (let z = 0; z < 8; z++) {
        const started = performance.now();
        await predictVolume({ width: SIDE, height: SIDE, depth: 1, data: eight.subarray(z * SIDE * SIDE, (z + 1) * SIDE * SIDE) }, predictor);
        times.push((performance.now() - started) / 1000);
      }
    } finally {
      await predictor.dispose();
    }
    const after = times.slice(1);
    const appSliceSeconds = { first: times[0]!, mean: after.reduce((a, b) => a + b, 0) / after.length, worst: Math.max(...after) };
    return { provider, membrana8, membrana1, torch8, torchVersion: torch?.version ?? null, appSliceSeconds };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
