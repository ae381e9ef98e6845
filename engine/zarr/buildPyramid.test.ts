import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPyramid } from './buildPyramid.js';
import { createLabelImage, openLabelImage } from './labelImage.js';
import { createOmeZarr, openOmeZarr } from './omeZarr.js';
import { fullRegion, readRegion, writeRegion } from './readRegion.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-pyramid-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildPyramid', () => {
  it('makes each level the 2×2 mean of the one above, across chunk borders and odd edges', async () => {
    const [depth, height, width] = [3, 13, 11];
    const image = await createOmeZarr(path.join(dir, 'p.zarr'), { shape: [depth, height, width], dtype: 'uint16', chunks: [2, 4, 4], levels: 3 });
    const data = new Uint16Array(depth * height * width).map((_, i) => (i * 37) % 1000);
    await writeRegion(image.levels[0]!, fullRegion(image.levels[0]!), data);
    const fractions: number[] = [];
    await buildPyramid(image, { onProgress: (p) => fractions.push(p.fraction!) });
    expect(fractions.at(-1)).toBe(1);
    const level1 = await readRegion(image.levels[1]!, fullRegion(image.levels[1]!));
    expect(image.levels[1]!.shape).toEqual([3, 7, 6]);
    for (let z = 0; z < depth; z++)
      for (let y = 0; y < 7; y++)
        for (let x = 0; x < 6; x++) {
          const values: number[] = [];
          for (let dy = 0; dy < 2; dy++)
            for (let dx = 0; dx < 2; dx++) {
              const sy = 2 * y + dy;
              const sx = 2 * x + dx;
              if (sy < height && sx < width) values.push(data[(z * height + sy) * width + sx]!);
            }
          expect(level1[(z * 7 + y) * 6 + x]).toBe(Math.round(values.reduce((a, b) => a + b, 0) / values.length));
        }
    const level2 = await readRegion(image.levels[2]!, fullRegion(image.levels[2]!));
    expect(level2[0]).toBe(Math.round((level1[0]! + level1[1]! + level1[6]! + level1[7]!) / 4));
  });

  it('keeps float means exact', async () => {
    const image = await createOmeZarr(path.join(dir, 'f.zarr'), { shape: [1, 2, 2], dtype: 'float32', levels: 2, version: 2 });
    await writeRegion(image.levels[0]!, fullRegion(image.levels[0]!), new Float32Array([0.5, 1, 2, 3]));
    await buildPyramid(image);
    expect(Array.from(await readRegion(image.levels[1]!, fullRegion(image.levels[1]!)))).toEqual([1.625]);
  });

  it('takes the 2×2 mode of label ids, never a mean', async () => {
    const image = await createOmeZarr(path.join(dir, 'img.zarr'), { shape: [1, 4, 4], dtype: 'uint8', levels: 2, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } });
    const labels = await createLabelImage(image, 'segments');
    const ids = new Uint32Array([7, 7, 1, 2, 7, 3, 3, 3, 0, 9, 5, 6, 9, 9, 6, 5]);
    await writeRegion(labels.levels[0]!, fullRegion(labels.levels[0]!), ids);
    await buildPyramid(labels);
    expect(Array.from(await readRegion(labels.levels[1]!, fullRegion(labels.levels[1]!)))).toEqual([7, 3, 9, 5]);
    const reopened = await openLabelImage(image.dir, 'segments');
    expect(reopened.kind).toBe('label');
    expect(reopened.voxelSize).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
    expect((await openOmeZarr(image.dir)).labels).toEqual(['segments']);
  });

  it('stops when cancelled', async () => {
    const image = await createOmeZarr(path.join(dir, 'c.zarr'), { shape: [1, 8, 8], dtype: 'uint8', chunks: [1, 2, 2], levels: 2 });
    const controller = new AbortController();
    controller.abort();
    await expect(buildPyramid(image, { signal: controller.signal })).rejects.toThrow();
  });
});
