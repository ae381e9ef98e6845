// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { Tile, TiledVolumeInfo } from '../../../protocol/contract.js';
import { levelForZoom, TileStore, tilesCovering, type TileKey } from './TileStore.svelte.js';

const volume: TiledVolumeInfo = {
  kind: 'tiled',
  id: 'v',
  name: 'big.ome.zarr',
  source: '/data/big.ome.zarr',
  format: 'OME-Zarr',
  width: 4096,
  height: 2048,
  depth: 10,
  dtype: 'uint8',
  voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' },
  range: { min: 0, max: 255 },
  window: { low: 0, high: 255 },
  tileSize: 256,
  content: 'image',
  labels: [],
  levels: [
    { width: 4096, height: 2048, depth: 10, factor: { x: 1, y: 1, z: 1 } },
    { width: 2048, height: 1024, depth: 10, factor: { x: 2, y: 2, z: 1 } },
    { width: 1024, height: 512, depth: 10, factor: { x: 4, y: 4, z: 1 } },
  ],
};

describe('levelForZoom', () => {
  it('takes the coarsest scale whose voxels are no bigger than a screen pixel', () => {
    expect(levelForZoom(volume, 1)).toBe(0);
    expect(levelForZoom(volume, 2)).toBe(0);
    expect(levelForZoom(volume, 0.5)).toBe(1);
    expect(levelForZoom(volume, 0.3)).toBe(1);
    expect(levelForZoom(volume, 0.1)).toBe(2);
  });
});

describe('tilesCovering', () => {
  it('lists the tiles under a rectangle at a scale, clipped to the volume', () => {
    expect(tilesCovering(volume, 0, 3, { x0: 0, y0: 0, x1: 300, y1: 200 })).toEqual([
      { level: 0, z: 3, tx: 0, ty: 0 },
      { level: 0, z: 3, tx: 1, ty: 0 },
    ]);
    expect(tilesCovering(volume, 2, 3, { x0: 0, y0: 0, x1: 4096, y1: 2048 })).toHaveLength(4 * 2);
    expect(tilesCovering(volume, 0, 3, { x0: 4000, y0: 2000, x1: 9000, y1: 9000 })).toEqual([{ level: 0, z: 3, tx: 15, ty: 7 }]);
  });
});

describe('TileStore', () => {
  /** A tile source that records each tile asked for ('level/z/tx/ty'); by default every tile is 256² of uint8 tx. */
  function fakeSource(
    tile: (key: TileKey) => Tile = ({ level, z, tx, ty }) => ({ volumeId: 'v', level, z, tx, ty, width: 256, height: 256, dtype: 'uint8', data: new Uint8Array(256 * 256).fill(tx).buffer }),
  ): { calls: string[]; source: ConstructorParameters<typeof TileStore>[0] } {
    const calls: string[] = [];
    return {
      calls,
      source: {
        getTile: async ({ level, z, tx, ty }) => {
          calls.push(`${level}/${z}/${tx}/${ty}`);
          return tile({ level, z, tx, ty });
        },
      },
    };
  }
  const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

  it('fetches wanted tiles once, keeps them, and stays under its memory budget', async () => {
    const { calls, source } = fakeSource();
    const store = new TileStore(source);
    store.setVolume(volume);
    store.setBudget(32); // 32 MB: 512 KB per tile (raw + RGBA 256²·5 B ≈ 320 KB) → about 100 tiles
    const keys = tilesCovering(volume, 0, 0, { x0: 0, y0: 0, x1: 4096, y1: 2048 }); // 128 tiles
    // Two frames, each showing half of them, as the view pans.
    for (const shown of [keys.slice(0, 64), keys.slice(64)]) {
      for (const key of shown) store.image(key, { low: 0, high: 255 }, true);
      store.image(shown[0]!, { low: 0, high: 255 }, true);
      store.settle(shown);
      for (let i = 0; i < 60; i++) await tick();
    }
    expect(new Set(calls).size).toBe(calls.length);
    expect(calls.length).toBe(128);
    expect(store.usedBytes).toBeLessThanOrEqual(store.budgetBytes);
    // The tiles on screen are never evicted; older ones went.
    for (const key of keys.slice(64)) expect(store.has(key)).toBe(true);
    expect(store.tileCount).toBeLessThan(128);
  });

  it('drops queued requests for tiles no longer visible', async () => {
    const { calls, source } = fakeSource();
    const store = new TileStore(source);
    store.setVolume(volume);
    const keys = tilesCovering(volume, 0, 0, { x0: 0, y0: 0, x1: 4096, y1: 2048 });
    for (const key of keys) store.image(key, { low: 0, high: 255 }, true);
    store.settle([keys[0]!]);
    for (let i = 0; i < 30; i++) await tick();
    // Six were already in flight when the view moved; the rest were never asked for.
    expect(calls.length).toBeLessThanOrEqual(7);
  });

  it('says why a tile cannot be read, and does not ask for it again every frame', async () => {
    let calls = 0;
    const store = new TileStore({
      getTile: async () => {
        calls++;
        throw Object.assign(new Error('/data/big.ome.zarr/0: chunk (z, y, x) (3, 0, 0) cannot be read: unexpected end of file.'), { hint: 'A chunk file is damaged.' });
      },
    });
    store.setVolume(volume);
    const key = { level: 0, z: 3, tx: 0, ty: 0 };
    for (let frame = 0; frame < 20; frame++) {
      expect(store.image(key, { low: 0, high: 255 }, true)).toBeNull();
      store.settle([key]);
      await tick();
    }
    expect(calls).toBe(1);
    expect(store.error).toMatchObject({ message: expect.stringContaining('chunk (z, y, x) (3, 0, 0)'), hint: 'A chunk file is damaged.' });
    store.setVolume(null);
    expect(store.error).toBeNull();
  });

  describe('readOverview', () => {
    /** A 600 × 300 × 4 uint16 volume in three scales whose voxels are 1000 level + 100 z + x + y at every scale, served tile by tile. */
    const small: TiledVolumeInfo = {
      ...volume,
      width: 600,
      height: 300,
      depth: 4,
      dtype: 'uint16',
      levels: [
        { width: 600, height: 300, depth: 4, factor: { x: 1, y: 1, z: 1 } },
        { width: 300, height: 150, depth: 4, factor: { x: 2, y: 2, z: 1 } },
        { width: 150, height: 75, depth: 4, factor: { x: 4, y: 4, z: 1 } },
      ],
    };
    const voxel = (level: number, z: number, x: number, y: number): number => 1000 * level + 100 * z + x + y;
    /** The tiles of `small`, edge tiles cut to the scale. */
    const servedTiles = (): ReturnType<typeof fakeSource> =>
      fakeSource(({ level, z, tx, ty }) => {
        const scale = small.levels[level]!;
        const width = Math.min(256, scale.width - tx * 256);
        const height = Math.min(256, scale.height - ty * 256);
        const data = Uint16Array.from({ length: width * height }, (_, i) => voxel(level, z, tx * 256 + (i % width), ty * 256 + Math.floor(i / width)));
        return { volumeId: small.id, level, z, tx, ty, width, height, dtype: 'uint16', data: data.buffer };
      });

    it('assembles slice z whole at the finest scale that fits, reading each tile once and using those cached', async () => {
      const { calls, source } = servedTiles();
      const store = new TileStore(source);
      store.setVolume(small);
      // The slice view already holds one tile of scale 1.
      store.image({ level: 1, z: 3, tx: 1, ty: 0 }, { low: 0, high: 65535 }, true);
      store.settle([{ level: 1, z: 3, tx: 1, ty: 0 }]);
      for (let i = 0; i < 5; i++) await tick();
      const slice = await store.readOverview(3, 300);
      expect(slice).toMatchObject({ z: 3, level: 1, width: 300, height: 150, dtype: 'uint16' });
      const values = new Uint16Array(slice!.data);
      for (const [x, y] of [[0, 0], [255, 149], [256, 0], [299, 149], [123, 77]] as const) expect(values[y * 300 + x]).toBe(voxel(1, 3, x, y));
      expect(calls.sort()).toEqual(['1/3/0/0', '1/3/1/0']);
      expect(store.tileCount).toBe(1);
      expect((await store.readOverview(2, 100))).toMatchObject({ level: 2, width: 150, height: 75 });
    });

    it('gives null without a tiled volume or when the volume changes meanwhile, and rejects when a tile cannot be read', async () => {
      const { source } = servedTiles();
      const store = new TileStore(source);
      expect(await store.readOverview(0, 2048)).toBeNull();
      store.setVolume(small);
      const reading = store.readOverview(0, 2048);
      store.setVolume(null);
      expect(await reading).toBeNull();
      const failing = new TileStore({
        getTile: async () => {
          throw new Error('chunk (0, 0, 0) cannot be read');
        },
      });
      failing.setVolume(small);
      await expect(failing.readOverview(0, 2048)).rejects.toThrow(/cannot be read/);
    });
  });
});
