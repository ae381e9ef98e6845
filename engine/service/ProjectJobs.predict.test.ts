import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext, Progress } from '../../protocol/contract.js';
import { readTiff } from '../io/readTiff.js';
import type { Volume } from '../io/Volume.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { openPredictor } from '../predict/openPredictor.js';
import type { Predictor } from '../predict/Predictor.js';
import { predictVolume } from '../predict/predictVolume.js';
import { ProjectJobs } from './ProjectJobs.js';
import { Project } from '../project/ProjectStore.js';
import { workerBuild } from '../workers/testing/workerBuild.js';

// The project's predictor runs on a worker thread from build/.
const build = workerBuild('predict/predictionWorker.js', ['engine/predict', 'engine/model', 'engine/model/onnx', 'engine/workers']);
const isbi = readTiff(new Uint8Array(readFileSync(new URL('../../../shared/data/isbi2012/test-volume.tif', import.meta.url))), 'test-volume.tif');
const [width, height, depth] = [120, 96, 3];
let root: string;
let project: Project;
let volume: Volume;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'membrana-jobs-predict-'));
  const data = new Uint8Array(width * height * depth);
  for (let z = 0; z < depth; z++) for (let y = 0; y < height; y++) data.set(isbi.data.subarray((z * 512 + y + 100) * 512 + 200, (z * 512 + y + 100) * 512 + 200 + width) as Uint8Array, (z * height + y) * width);
  volume = { name: 'crop', source: 'crop.tif', format: 'TIFF', width, height, depth, dtype: 'uint8', data, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } };
  project = await Project.create(path.join(root, 'project'), volume, shippedModelDir());
});
afterAll(async () => {
  await project?.close();
  await rm(root, { recursive: true, force: true });
});

function context(progress: Progress[] = []): CallContext {
  return { signal: new AbortController().signal, progress: (p) => progress.push(p) };
}

/** The predictor a ProjectJobs holds (private; read to check it is reused and freed). */
function heldPredictor(jobs: ProjectJobs): Promise<Predictor> | undefined {
  return (jobs as unknown as { predictor: { ready: Promise<Predictor> } | null }).predictor?.ready;
}

describe.skipIf(build !== null && 'missing' in build)('ProjectJobs.predict', () => {
  it('stores each slice and says so as it goes, with one predictor for the project, reused and freed with it', async () => {
    if (build && 'stale' in build) throw new Error(`build/ is older than ${build.stale}: run \`npm run build:node\` first.`);
    const told: [number, string][] = [];
    const jobs = new ProjectJobs(project, (z, model) => told.push([z, model]));
    const progress: Progress[] = [];
    await jobs.predict([2, 0], context(progress));
    expect(told).toEqual([[2, 'v1'], [0, 'v1']]);
    expect(progress.at(-1)?.stage).toMatch(/on ONNX Runtime/);
    const first = heldPredictor(jobs);
    expect(first).toBeDefined();
    await jobs.predict([1], context());
    expect(heldPredictor(jobs)).toBe(first);
    expect(told.map(([z]) => z)).toEqual([2, 0, 1]);
    // What was stored is what a predictor on this thread gives for the same slices.
    const here = await openPredictor(shippedModelDir(), { threads: 1 });
    try {
      const expected = await predictVolume(volume, here);
      for (let z = 0; z < depth; z++) {
        expect(Buffer.from((await project.loadPrediction('v1', z))!).equals(Buffer.from(expected.subarray(z * width * height, (z + 1) * width * height)))).toBe(true);
      }
    } finally {
      await here.dispose();
    }
    const predictor = await first!;
    const workers = (predictor as unknown as { slots: { worker: Worker }[] }).slots.map((slot) => slot.worker);
    await jobs.dispose();
    expect(heldPredictor(jobs)).toBeUndefined();
    expect(workers.map((worker) => worker.threadId)).toEqual([-1]);
    await expect(predictor.predictSlice(new Float32Array(64), 8, 8, { maxTile: 64, overlap: 8, multiple: 8 })).rejects.toThrow(/disposed/);
  }, 120_000);
});
