import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOmeLevelZero } from '../blocks/openOmeLevelZero.js';
import { Random } from '../base/Random.js';
import { writeBaseStore, zarrCases } from '../fuzz/zarrCases.js';
import { openOmeZarr } from './omeZarr.js';
import { readRegion, fullRegion } from './readRegion.js';
import { ZarrError } from './ZarrError.js';

/** Opens a store both ways Membrana does and reads all of level 0; the error, or undefined. */
async function openAndRead(dir: string): Promise<{ viewer: unknown; blocks: unknown }> {
  const viewer = await openOmeZarr(dir)
    .then((image) => readRegion(image.levels[0]!, fullRegion(image.levels[0]!)).then(() => undefined))
    .catch((error: unknown) => error);
  const blocks = await openOmeLevelZero(dir)
    .then(async (level) => {
      const [z, y, x] = level.array.shape as [number, number, number];
      for (const coords of [[0, 0, 0], [z - 1, Math.ceil(y / 32) - 1, Math.ceil(x / 32) - 1]]) await level.array.getChunk(coords);
      return undefined;
    })
    .catch((error: unknown) => error);
  return { viewer, blocks };
}

describe('validateZarr: every broken store of the fuzz campaign is refused with a ZarrError naming it', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-zarr-valid-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('opens and reads the undamaged stores', async () => {
    for (const version of [2, 3] as const) {
      const store = path.join(dir, `good${version}.ome.zarr`);
      await writeBaseStore(store, version, 'image');
      expect(await openAndRead(store)).toEqual({ viewer: undefined, blocks: undefined });
    }
  });

  const picked = ['huge-shape-image', 'huge-chunks-image', 'chunk-short', 'chunk-dev-zero', 'dtype-u2', 'dtype-b1', 'chunks-zero', 'chunks-negative', 'compressor-unknown', 'compressor-null', 'float64', 'codecs-empty', 'zarr-format-9', 'axes-2', 'dataset-escape', 'scale-negative', 'root-array', 'zgroup-format-9'];
  for (const c of zarrCases(new Random(1), 0).filter((c) => picked.some((name) => c.name.endsWith(name)))) {
    it(`${c.name}: ${c.note}`, async () => {
      const store = path.join(dir, `${c.name}.ome.zarr`);
      await writeBaseStore(store, c.version, c.kind);
      await c.damage(store);
      const { viewer, blocks } = await openAndRead(store);
      for (const error of [viewer, blocks]) {
        expect(error).toBeInstanceOf(ZarrError);
        expect((error as ZarrError).message).toContain(store);
      }
    });
  }
});
