import { describe, expect, it } from 'vitest';
import type { Tile, TiledVolumeInfo } from '../../../protocol/contract.js';
import { assembleTiles, overviewLevel } from './overviewSlice.js';

const levels = [
  { width: 5000, height: 3000, depth: 4, factor: { x: 1, y: 1, z: 1 } },
  { width: 2500, height: 1500, depth: 4, factor: { x: 2, y: 2, z: 1 } },
  { width: 1250, height: 750, depth: 4, factor: { x: 4, y: 4, z: 1 } },
];
const volume = { kind: 'tiled', levels, tileSize: 256 } as TiledVolumeInfo;

describe('overviewLevel', () => {
  it('takes the finest scale that fits both ways, else the coarsest', () => {
    expect(overviewLevel(volume, 5000)).toBe(0);
    expect(overviewLevel(volume, 2500)).toBe(1);
    expect(overviewLevel(volume, 2048)).toBe(2);
    expect(overviewLevel(volume, 512)).toBe(2);
  });
});

describe('assembleTiles', () => {
  /** The tiles of a 5 × 3 uint16 slice in tiles of 2, each voxel 10 y + x, in a shuffled order. */
  function tiles(): Tile[] {
    const out: Tile[] = [];
    for (const [tx, ty] of [[2, 1], [0, 0], [1, 1], [2, 0], [0, 1], [1, 0]] as const) {
      const width = Math.min(2, 5 - tx * 2);
      const height = Math.min(2, 3 - ty * 2);
      const data = Uint16Array.from({ length: width * height }, (_, i) => 10 * (ty * 2 + Math.floor(i / width)) + tx * 2 + (i % width));
      out.push({ volumeId: 'v', level: 0, z: 0, tx, ty, width, height, dtype: 'uint16', data: data.buffer });
    }
    return out;
  }
  const scale = { width: 5, height: 3, depth: 1, factor: { x: 1, y: 1, z: 1 } };

  it('puts every tile in its place, edge tiles included', () => {
    const slice = assembleTiles(scale, 2, 'uint16', tiles());
    expect(slice).toMatchObject({ width: 5, height: 3, dtype: 'uint16' });
    expect([...new Uint16Array(slice.data)]).toEqual([0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24]);
  });

  it('refuses a missing tile, one of another type, and one that runs past the slice, naming it', () => {
    expect(() => assembleTiles(scale, 2, 'uint16', tiles().slice(1))).toThrow(/needs 6 tiles, not 5/);
    const wrongType = tiles().map((tile) => (tile.tx === 1 && tile.ty === 1 ? { ...tile, dtype: 'uint8' as const } : tile));
    expect(() => assembleTiles(scale, 2, 'uint16', wrongType)).toThrow(/Tile \(1, 1\) of level 0, 2 × 1 uint8, does not fit a 5 × 3 uint16 slice/);
    const tooWide = tiles().map((tile) => (tile.tx === 2 && tile.ty === 0 ? { ...tile, width: 2, data: new ArrayBuffer(8) } : tile));
    expect(() => assembleTiles(scale, 2, 'uint16', tooWide)).toThrow(/Tile \(2, 0\)/);
  });
});
