import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readVolume } from '../io/readVolume.js';
import { buildPng } from '../io/testing/buildPng.js';
import { writeTiff } from '../io/writeTiff.js';
import { importToOmeZarr } from './importToOmeZarr.js';
import { ngffProblems } from './ngffSchema.js';
import { openOmeZarr } from './omeZarr.js';
import { fullRegion, readRegion } from './readRegion.js';
import { readJson } from './zarrNodes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-import-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function stack(dtype: 'uint8' | 'uint16', width: number, height: number, depth: number) {
  const data = dtype === 'uint8' ? new Uint8Array(width * height * depth) : new Uint16Array(width * height * depth);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) % (dtype === 'uint8' ? 256 : 65536);
  return { width, height, depth, dtype, data, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } };
}

describe('importToOmeZarr', () => {
  for (const dtype of ['uint8', 'uint16'] as const) {
    for (const version of [2, 3] as const) {
      it(`imports a multi-page LZW ${dtype} TIFF into Zarr v${version} with voxels identical to readVolume`, async () => {
        const source = path.join(dir, 'stack.tif');
        await writeFile(source, writeTiff(stack(dtype, 45, 70, 7), { compression: 'lzw', predictor: true }));
        const out = path.join(dir, 'stack.ome.zarr');
        const fractions: number[] = [];
        const summary = await importToOmeZarr(source, out, { version, chunks: [3, 32, 32], levels: 2, onProgress: (p) => fractions.push(p.fraction!) });
        expect(summary).toMatchObject({ shape: [7, 70, 45], dtype, levels: 2, chunks: [3, 32, 32], version });
        expect(fractions.at(-1)).toBe(1);
        const expected = await readVolume(source);
        const image = await openOmeZarr(out);
        expect(image.voxelSize).toEqual(expected.voxelSize);
        expect(image.name).toBe('stack');
        const data = await readRegion(image.levels[0]!, fullRegion(image.levels[0]!));
        expect(Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(Buffer.from(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength))).toBe(true);
        expect(image.levels[1]!.shape).toEqual([7, 35, 23]);
        const attributes = version === 2 ? await readJson(path.join(out, '.zattrs')) : ((await readJson(path.join(out, 'zarr.json'))) as { attributes: unknown }).attributes;
        expect(ngffProblems(attributes, version === 2 ? '0.4' : '0.5')).toEqual([]);
      });
    }
  }

  it('imports a folder of PNG slices in natural order', async () => {
    const folder = path.join(dir, 'slices');
    await mkdir(folder);
    const width = 9;
    const height = 5;
    for (let z = 0; z < 11; z++) {
      const samples = Array.from({ length: width * height }, (_, i) => (i + z * 13) % 256);
      await writeFile(path.join(folder, `slice${z + 1}.png`), buildPng({ width, height, colorType: 0, bitDepth: 8, samples }));
    }
    await writeFile(path.join(folder, '.DS_Store'), 'junk');
    const out = path.join(dir, 'slices.ome.zarr');
    await importToOmeZarr(folder, out, { chunks: [4, 4, 4] });
    const expected = await readVolume(folder);
    const image = await openOmeZarr(out);
    expect(image.levels[0]!.shape).toEqual([11, 5, 9]);
    expect(Array.from(await readRegion(image.levels[0]!, fullRegion(image.levels[0]!)))).toEqual(Array.from(expected.data));
  });

  const isbi = path.resolve('../shared/data/isbi2012/train-volume.tif');
  it.skipIf(!existsSync(isbi))('imports the ISBI 2012 volume into a single 512-pixel level, voxel for voxel', async () => {
    const out = path.join(dir, 'isbi.ome.zarr');
    const expected = await readVolume(isbi);
    const summary = await importToOmeZarr(isbi, out, { version: 2 });
    expect(summary).toMatchObject({ shape: [expected.depth, 512, 512], levels: 1, chunks: [16, 256, 256] });
    const image = await openOmeZarr(out);
    expect(image.voxelSize).toEqual(expected.voxelSize);
    const data = await readRegion(image.levels[0]!, fullRegion(image.levels[0]!));
    expect(Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(Buffer.from(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength))).toBe(true);
  });

  it('removes the half-written folder when cancelled', async () => {
    const source = path.join(dir, 'c.tif');
    await writeFile(source, writeTiff(stack('uint8', 30, 30, 8)));
    const out = path.join(dir, 'c.ome.zarr');
    const controller = new AbortController();
    const promise = importToOmeZarr(source, out, {
      chunks: [2, 16, 16],
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage.startsWith('Copying slice 5')) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a folder that already holds files, and leaves it alone', async () => {
    const source = path.join(dir, 'd.tif');
    await writeFile(source, writeTiff(stack('uint8', 8, 8, 2)));
    const out = path.join(dir, 'taken');
    await mkdir(out);
    await writeFile(path.join(out, 'keep.txt'), 'mine');
    await expect(importToOmeZarr(source, out)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await readdir(out)).toEqual(['keep.txt']);
  });
});
