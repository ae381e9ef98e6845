import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Volume } from './io/Volume.js';
import { ProjectJobs } from './ProjectJobs.js';
import { Project } from './project/ProjectStore.js';
import { rankUncertainTiles } from './review/rankTiles.js';

let root: string;
let project: Project;
const [width, height, depth] = [300, 260, 4];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'membrana-jobs-'));
  const model = path.join(root, 'model');
  await mkdir(model);
  await writeFile(path.join(model, 'model.json'), '{}');
  await writeFile(path.join(model, 'weights.bin'), new Uint8Array(8));
  await writeFile(path.join(model, 'membrana.json'), JSON.stringify({ format: 'membrana-membrane-model', version: 1 }));
  const volume: Volume = { name: 'v', source: 'v.tif', format: 'TIFF', width, height, depth, dtype: 'uint8', data: new Uint8Array(width * height * depth), voxelSize: { x: 1, y: 1, z: 1, unit: 'px' } };
  project = await Project.create(path.join(root, 'p'), volume, model);
});
afterEach(async () => {
  await project?.close();
  await rm(root, { recursive: true, force: true });
});

describe('ProjectJobs.reviewQueue', () => {
  it('ranks the predicted slices one at a time into the same tiles, in the same order, as all at once', async () => {
    const predictions: { z: number; data: Uint8Array }[] = [];
    let seed = 5;
    for (const z of [0, 2, 3]) {
      // Uncertain (mid-grey) patches at places that differ per slice, ties included.
      const data = Uint8Array.from({ length: width * height }, (_, i) => ((i % width) + z * 37) % 150 < 40 || (Math.floor(i / width) + z) % 90 < 20 ? 128 : (seed = (seed * 69069 + 1) >>> 0) & 1 ? 0 : 255);
      await project.savePrediction('v1', z, data);
      predictions.push({ z, data });
    }
    const queue = await new ProjectJobs(project).reviewQueue(7);
    expect(queue).toEqual(rankUncertainTiles(predictions, width, height, 128, { limit: 7 }));
    expect(queue).toHaveLength(7);
  });
});
