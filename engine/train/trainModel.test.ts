import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Volume } from '../io/Volume.js';
import { loadModelFolder } from '../model/modelFolder.js';
import { trainModel, type TrainOptions } from './trainModel.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A tiny synthetic EM-like stack: dark one-pixel-wide walls on a bright background, with labels. */
function synthetic(size = 32, depth = 4): { images: Volume; labels: Volume } {
  const images = new Uint8Array(size * size * depth);
  const labels = new Uint8Array(size * size * depth);
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const wall = (x + z) % 11 === 0 || (y * 2 + x + z) % 17 === 0;
        const i = (z * size + y) * size + x;
        images[i] = wall ? 40 + ((x * 7 + y) % 20) : 200 - ((x * 3 + y * 5) % 30);
        labels[i] = wall ? 0 : 255;
      }
    }
  }
  const base = { width: size, height: size, depth, dtype: 'uint8' as const, voxelSize: { x: 1, y: 1, z: 1, unit: 'px' }, format: 'test' };
  return { images: { ...base, name: 'images', source: 'images', data: images }, labels: { ...base, name: 'labels', source: 'labels', data: labels } };
}

const settings = (outDir: string, steps: number, resume = false): TrainOptions => ({
  ...synthetic(),
  outDir,
  steps,
  resume,
  validation: [3, 3],
  batch: 1,
  patch: 16,
  epochSteps: 2,
  architecture: { kind: 'unet', levels: 2, base: 2 },
  backend: 'cpu (test)',
});

describe('trainModel', () => {
  it('trains, validates each epoch, keeps the best model and reports its figures', async () => {
    const out = path.join(tmp, 'run');
    const result = await trainModel(settings(out, 3));
    expect(result).toMatchObject({ steps: 3, backend: 'cpu (test)', model_dir: out });
    expect(result.train_px_per_s).toBeGreaterThan(0);
    expect(result.best?.v_rand).toBeGreaterThan(0);
    const log = readFileSync(path.join(out, 'training-log.jsonl'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(2); // after step 2 and at the end (step 3)
    const loaded = await loadModelFolder(out);
    expect(loaded.meta.training).toMatchObject({ best_validation: result.best });
    expect(existsSync(path.join(out, 'checkpoint', 'optimizer.bin'))).toBe(true);
  });

  it('repeats exactly from the same seed, and resumes a stopped run to the weights of an uninterrupted one', async () => {
    const straight = path.join(tmp, 'straight');
    const split = path.join(tmp, 'split');
    await trainModel(settings(straight, 4));
    await trainModel(settings(split, 2));
    const resumed = await trainModel(settings(split, 4, true));
    expect(resumed.steps).toBe(4);
    const weights = async (dir: string): Promise<number[]> =>
      (await loadModelFolder(path.join(dir, 'checkpoint'))).model.getWeights().flatMap((w) => Array.from(w.dataSync()));
    const again = path.join(tmp, 'again');
    await trainModel(settings(again, 4));
    const a = await weights(straight);
    expect(await weights(again)).toEqual(a);
    // Adam's restored bias correction is beta^t computed by pow, not by t multiplications, so a
    // resumed run agrees to float rounding rather than bit for bit.
    const b = await weights(split);
    const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    expect(worst).toBeLessThan(1e-5);
  });

  it('rejects labels that do not fit the images, and validation slices outside the stack', async () => {
    const { images, labels } = synthetic();
    await expect(trainModel({ ...settings(path.join(tmp, 'bad'), 1), labels: { ...labels, depth: 3 } })).rejects.toThrow(/labels .* do not match the images/);
    await expect(trainModel({ ...settings(path.join(tmp, 'bad'), 1), images, validation: [2, 9] })).rejects.toThrow(/not inside the stack/);
    await expect(trainModel({ ...settings(path.join(tmp, 'bad'), 1), patch: 15 })).rejects.toThrow(/multiple of 2/);
  });
});
