import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Volume } from '../io/Volume.js';
import { ProjectJobs, trainingImages } from './ProjectJobs.js';
import { createOmeZarr } from '../zarr/omeZarr.js';
import { writeRegion } from '../zarr/readRegion.js';
import { Project } from '../project/ProjectStore.js';
import { rankUncertainTiles } from '../review/rankTiles.js';

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

describe('trainingImages', () => {
  it('reads just the slices fine-tuning needs from a tiled project, and maps each slice to its place', async () => {
    const store = path.join(root, 'v.ome.zarr');
    const zarr = await createOmeZarr(store, { shape: [6, 40, 50], dtype: 'uint16', chunks: [2, 16, 16] });
    const data = Uint16Array.from({ length: 6 * 40 * 50 }, (_, i) => i % 65521);
    await writeRegion(zarr.levels[0]!, { z: [0, 6], y: [0, 40], x: [0, 50] }, data);
    const tiled = await Project.createOverOmeZarr(path.join(root, 'tiled'), store, path.join(root, 'model'));
    try {
      const { images, slot, slices } = await trainingImages(tiled, [1, 4]);
      expect(images).toMatchObject({ width: 50, height: 40, depth: 2 });
      expect(images.data).toEqual(Uint16Array.from([...data.subarray(2000, 4000), ...data.subarray(8000, 10000)]));
      expect([slot(1), slot(4)]).toEqual([0, 1]);
      expect(slices).toEqual([1, 4]);
      // A project in memory hands over its own stack.
      const whole = await trainingImages(project, [2]);
      expect(whole.images.data).toBe(project.volume.data);
      expect(whole.slot(2)).toBe(2);
    } finally {
      await tiled.close();
    }
  });
});
