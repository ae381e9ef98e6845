import { describe, expect, it } from 'vitest';
import { rankUncertainTiles } from './rankTiles.js';

/** A width × height slice of value `background`, with the rectangle [x0, x1) × [y0, y1) set to `value`. */
function slice(width: number, height: number, background: number, rect?: { x0: number; y0: number; x1: number; y1: number; value: number }): Uint8Array {
  const data = new Uint8Array(width * height).fill(background);
  if (rect) for (let y = rect.y0; y < rect.y1; y++) for (let x = rect.x0; x < rect.x1; x++) data[y * width + x] = rect.value;
  return data;
}

describe('rankUncertainTiles', () => {
  it('puts the tile where the model is unsure first, scored by mean binary entropy in bits', () => {
    // Slice 3: sure (0 and 255) everywhere but the bottom-right 4 × 4 tile, a quarter of which
    // is p ≈ 0.5 (128/255, entropy just under 1 bit).
    const data = slice(8, 8, 0, { x0: 4, y0: 4, x1: 6, y1: 6, value: 128 });
    data.fill(255, 0, 8);
    const tiles = rankUncertainTiles([{ z: 3, data }], 8, 8, 4);
    expect(tiles).toHaveLength(4);
    expect(tiles[0]).toMatchObject({ z: 3, x: 4, y: 4, width: 4, height: 4 });
    const p = 128 / 255;
    expect(tiles[0]!.score).toBeCloseTo(-(p * Math.log2(p) + (1 - p) * Math.log2(1 - p)) / 4, 12);
    expect(tiles.slice(1).map((t) => t.score)).toEqual([0, 0, 0]);
    // Ties keep row, then column order.
    expect(tiles.slice(1).map((t) => [t.x, t.y])).toEqual([[0, 0], [4, 0], [0, 4]]);
  });

  it('ranks across slices, cuts edge tiles short, and honours limit and exclude', () => {
    // 5 × 3 slices, tile 4: tiles (0,0) 4 × 3 and (4,0) 1 × 3.
    const sure = slice(5, 3, 255);
    const unsure = slice(5, 3, 0, { x0: 4, y0: 0, x1: 5, y1: 3, value: 64 });
    const somewhat = slice(5, 3, 10);
    const prediction = [{ z: 0, data: sure }, { z: 1, data: unsure }, { z: 2, data: somewhat }];
    const all = rankUncertainTiles(prediction, 5, 3, 4);
    expect(all).toHaveLength(6);
    expect(all[0]).toMatchObject({ z: 1, x: 4, y: 0, width: 1, height: 3 });
    expect(all[1]).toMatchObject({ z: 2, width: 4 });
    expect(all[2]).toMatchObject({ z: 2, width: 1 });
    expect(all[1]!.score).toBeCloseTo(all[2]!.score, 12);
    expect(all.every((t, i) => i === 0 || t.score <= all[i - 1]!.score)).toBe(true);
    const top = rankUncertainTiles(prediction, 5, 3, 4, { limit: 2, exclude: (z) => z === 1 });
    expect(top.map((t) => [t.z, t.x])).toEqual([[2, 0], [2, 4]]);
  });

  it('rejects a prediction of the wrong size and a tile that is not a positive whole number', () => {
    expect(() => rankUncertainTiles([{ z: 7, data: new Uint8Array(10) }], 4, 4)).toThrow(/slice 7 holds 10 pixels, but the slices are 4 × 4 = 16/);
    expect(() => rankUncertainTiles([], 4, 4, 0)).toThrow(/tile must be a positive whole number, not 0/);
  });
});
