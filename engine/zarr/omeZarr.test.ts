import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoxelType } from '../../protocol/contract.js';
import { allocateVoxels } from '../io/Volume.js';
import { createOmeZarr, openOmeZarr } from './omeZarr.js';
import { readRegion, readSlice, writeRegion } from './readRegion.js';
import type { ZarrVersion } from './zarrNodes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-zarr-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function pattern(dtype: VoxelType, length: number) {
  const data = allocateVoxels(dtype, length);
  const max = dtype === 'uint8' ? 256 : dtype === 'uint16' ? 65536 : 2 ** 32;
  for (let i = 0; i < length; i++) data[i] = dtype === 'float32' ? i * 0.25 - 7 : (i * 2654435761) % max;
  return data;
}

describe('createOmeZarr / openOmeZarr', () => {
  for (const version of [2, 3] as ZarrVersion[]) {
    for (const dtype of ['uint8', 'uint16', 'uint32', 'float32'] as VoxelType[]) {
      it(`round-trips ${dtype} on Zarr v${version}`, async () => {
        const shape: [number, number, number] = [5, 20, 30];
        const out = path.join(dir, 'x.ome.zarr');
        const image = await createOmeZarr(out, { shape, dtype, chunks: [2, 8, 16], version, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' }, levels: 2 });
        const data = pattern(dtype, 5 * 20 * 30);
        await writeRegion(image.levels[0]!, { z: [0, 5], y: [0, 20], x: [0, 30] }, data);
        const opened = await openOmeZarr(out);
        expect(opened.version).toBe(version);
        expect(opened.dtype).toBe(dtype);
        expect(opened.voxelSize).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
        expect(opened.levels.map((l) => l.shape)).toEqual([shape, [5, 10, 15]]);
        expect(opened.levels[1]!.scale).toEqual([50, 8, 8]);
        expect(opened.levels[0]!.chunks).toEqual([2, 8, 16]);
        expect(opened.name).toBe('x');
        expect(Array.from(await readRegion(opened.levels[0]!, { z: [0, 5], y: [0, 20], x: [0, 30] }))).toEqual(Array.from(data));
        // A region across chunk borders equals the same region of the source.
        const region = await readRegion(opened.levels[0]!, { z: [1, 4], y: [5, 19], x: [13, 29] });
        const expected: number[] = [];
        for (let z = 1; z < 4; z++) for (let y = 5; y < 19; y++) for (let x = 13; x < 29; x++) expected.push(data[(z * 20 + y) * 30 + x]!);
        expect(Array.from(region)).toEqual(expected);
        const slice = await readSlice(opened.levels[0]!, 3);
        expect(Array.from(slice)).toEqual(Array.from(data.subarray(3 * 600, 4 * 600)));
      });
    }
  }

  it('writes a region across chunk borders without touching its neighbours', async () => {
    const image = await createOmeZarr(path.join(dir, 'a.zarr'), { shape: [4, 10, 10], dtype: 'uint16', chunks: [3, 4, 4], levels: 1 });
    await writeRegion(image.levels[0]!, { z: [1, 3], y: [3, 7], x: [2, 9] }, new Uint16Array(2 * 4 * 7).fill(9));
    const all = await readRegion(image.levels[0]!, { z: [0, 4], y: [0, 10], x: [0, 10] });
    let nines = 0;
    all.forEach((v, i) => {
      const z = Math.floor(i / 100);
      const y = Math.floor(i / 10) % 10;
      const x = i % 10;
      const inside = z >= 1 && z < 3 && y >= 3 && y < 7 && x >= 2 && x < 9;
      expect(v).toBe(inside ? 9 : 0);
      if (inside) nines++;
    });
    expect(nines).toBe(56);
  });

  it('picks levels down to at most 512 pixels and clips chunks', async () => {
    const image = await createOmeZarr(path.join(dir, 'big.zarr'), { shape: [3, 1100, 600], dtype: 'uint8' });
    expect(image.levels.map((l) => l.shape)).toEqual([
      [3, 1100, 600],
      [3, 550, 300],
      [3, 275, 150],
    ]);
    expect(image.levels[0]!.chunks).toEqual([3, 256, 256]);
    expect(image.levels[2]!.chunks).toEqual([3, 256, 150]);
  });

  it('refuses a region outside the level, naming the file', async () => {
    const image = await createOmeZarr(path.join(dir, 'r.zarr'), { shape: [2, 4, 4], dtype: 'uint8', levels: 1 });
    await expect(readRegion(image.levels[0]!, { z: [0, 3], y: [0, 4], x: [0, 4] })).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS', message: expect.stringContaining('r.zarr') });
  });

  it('refuses to overwrite a folder that is not empty', async () => {
    await createOmeZarr(path.join(dir, 'o.zarr'), { shape: [1, 4, 4], dtype: 'uint8' });
    await expect(createOmeZarr(path.join(dir, 'o.zarr'), { shape: [1, 4, 4], dtype: 'uint8' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });
});
