import { describe, expect, it } from 'vitest';
import { addUntransformed, transformTiles, variantCount } from './tileVariants.js';

function tiles(count: number, height: number, width: number): Float32Array {
  return Float32Array.from({ length: count * height * width }, (_, i) => i);
}

describe('tile variants (TTA on arrays)', () => {
  it('flips x, then y, then transposes, as bits 0, 1 and 2 of k say', () => {
    // One 2 × 3 tile: 0 1 2 / 3 4 5.
    const tile = tiles(1, 2, 3);
    expect([...transformTiles(tile, 1, 2, 3, 1)]).toEqual([2, 1, 0, 5, 4, 3]);
    expect([...transformTiles(tile, 1, 2, 3, 2)]).toEqual([3, 4, 5, 0, 1, 2]);
    expect([...transformTiles(tile, 1, 2, 3, 3)]).toEqual([5, 4, 3, 2, 1, 0]);
    // A 2 × 2 tile: 0 1 / 2 3; k = 5 flips x (1 0 / 3 2) and transposes (1 3 / 0 2).
    expect([...transformTiles(tiles(1, 2, 2), 1, 2, 2, 5)]).toEqual([1, 3, 0, 2]);
    expect(variantCount(4, 4)).toBe(8);
    expect(variantCount(4, 8)).toBe(4);
    expect(() => transformTiles(tile, 1, 2, 3, 4)).toThrow(/Cannot transpose 2 × 3 tiles/);
  });

  it('puts every variant back where it came from, tile by tile', () => {
    for (const [count, height, width] of [[3, 5, 5], [2, 4, 7]] as const) {
      const original = tiles(count, height, width);
      for (let k = 0; k < variantCount(height, width); k++) {
        const sum = new Float32Array(original.length);
        addUntransformed(transformTiles(original, count, height, width, k), count, height, width, k, sum);
        expect(sum).toEqual(original);
      }
    }
  });
});
