import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChunkCache } from './ChunkCache.js';
import { createOmeZarr, type OmeZarr } from './omeZarr.js';
import { fullRegion, readRegion, writeRegion, type Region } from './readRegion.js';

let root: string;
const stores: OmeZarr[] = [];
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'membrana-chunk-cache-'));
  // Edge chunks are partial in every axis: 10 × 150 × 170 in 4 × 64 × 64 chunks.
  for (const [version, dtype] of [[2, 'uint16'], [3, 'uint32'], [2, 'uint8']] as const) {
    const store = await createOmeZarr(path.join(root, `v${version}-${dtype}.ome.zarr`), { shape: [10, 150, 170], dtype, chunks: [4, 64, 64], version, levels: 1 });
    const level = store.levels[0]!;
    const data = dtype === 'uint16' ? Uint16Array.from({ length: 10 * 150 * 170 }, (_, i) => (i * 40503) & 0xffff) : dtype === 'uint32' ? Uint32Array.from({ length: 10 * 150 * 170 }, (_, i) => i * 2654435761) : Uint8Array.from({ length: 10 * 150 * 170 }, (_, i) => i * 7);
    await writeRegion(level, fullRegion(level), data);
    stores.push(store);
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ChunkCache', () => {
  it('reads the same voxels as readRegion, for regions across chunk edges, on Zarr v2 and v3', async () => {
    let seed = 9;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const cache = new ChunkCache();
    for (const store of stores) {
      const level = store.levels[0]!;
      for (let k = 0; k < 25; k++) {
        const span = (size: number): [number, number] => {
          const a = random(size), b = random(size);
          return a === b ? [a, a + 1] : [Math.min(a, b), Math.max(a, b)];
        };
        const region: Region = { z: span(10), y: span(150), x: span(170) };
        expect(Array.from(await cache.readRegion(level, region)), `${level.file} ${JSON.stringify(region)}`).toEqual(Array.from(await readRegion(level, region)));
      }
    }
  });

  it('keeps decoded chunks under its budget, forgets a closed volume, and refuses a region outside the level', async () => {
    const level = stores[0]!.levels[0]!;
    const chunkBytes = 4 * 64 * 64 * 2;
    const cache = new ChunkCache(3 * chunkBytes);
    await cache.readRegion(level, fullRegion(level));
    expect(cache.bytes).toBeLessThanOrEqual(3 * chunkBytes);
    expect(cache.bytes).toBeGreaterThan(0);
    cache.forget(level.file);
    expect(cache.bytes).toBe(0);
    await expect(cache.readRegion(level, { z: [0, 11], y: [0, 1], x: [0, 1] })).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
  });
});
