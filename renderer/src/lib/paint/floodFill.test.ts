import { describe, expect, it } from 'vitest';
import { floodFill, membraneBarrier } from './floodFill.js';

/** A slice from a picture: '#' blocked, anything else open; 'S' marks the seed. */
function slice(rows: string[]): { mask: Uint8Array; width: number; height: number; seed: number } {
  const width = rows[0]!.length;
  const height = rows.length;
  const mask = new Uint8Array(width * height);
  let seed = -1;
  rows.forEach((row, y) =>
    [...row].forEach((char, x) => {
      if (char === '#') mask[y * width + x] = 1;
      if (char === 'S') seed = y * width + x;
    }),
  );
  return { mask, width, height, seed };
}

/** The filled pixels drawn as '*' over the picture. */
function picture(rows: string[], indices: Uint32Array): string[] {
  const width = rows[0]!.length;
  const out = rows.map((row) => [...row.replace('S', '.')]);
  for (const index of indices) out[Math.floor(index / width)]![index % width] = '*';
  return out.map((row) => row.join(''));
}

function fill(rows: string[], limit?: number): { rows: string[]; truncated: boolean; indices: Uint32Array } {
  const { mask, width, height, seed } = slice(rows);
  const result = floodFill(seed, mask, width, height, limit);
  return { rows: picture(rows, result.indices), truncated: result.truncated, indices: result.indices };
}

describe('floodFill', () => {
  it('stops at a wall', () => {
    const result = fill(['..#..', '.S#..', '..#..']);
    expect(result.rows).toEqual(['**#..', '**#..', '**#..']);
    expect(result.truncated).toBe(false);
  });

  it('goes around a U-shaped wall and leaves a hole unfilled', () => {
    const result = fill(['S......', '.#####.', '.#...#.', '.#.#.#.', '.#...#.', '.#####.', '.......']);
    expect(result.rows).toEqual(['*******', '*#####*', '*#...#*', '*#.#.#*', '*#...#*', '*#####*', '*******']);
  });

  it('fills a room with an island in it', () => {
    const result = fill(['#######', '#S....#', '#..#..#', '#.....#', '#######']);
    expect(result.rows).toEqual(['#######', '#*****#', '#**#**#', '#*****#', '#######']);
  });

  it('does not leak through a diagonal line (4-connectivity)', () => {
    const result = fill(['S..#', '..#.', '.#..', '#...']);
    expect(result.rows).toEqual(['***#', '**#.', '*#..', '#...']);
  });

  it('handles concave regions that need seeds on both sides of a span', () => {
    const result = fill(['.#.#.', '.#.#.', 'S....', '#.#.#', '..#..']);
    expect(result.rows).toEqual(['*#*#*', '*#*#*', '*****', '#*#*#', '**#**']);
  });

  it('returns sorted indices', () => {
    const { indices } = fill(['.....', '..S..', '.....']);
    expect([...indices]).toEqual([...Array(15).keys()]);
  });

  it('returns nothing for a seed on a blocked pixel or outside the slice', () => {
    const { mask, width, height } = slice(['.#.', '...']);
    expect(floodFill(1, mask, width, height)).toEqual({ indices: new Uint32Array(0), truncated: false });
    expect(floodFill(-1, mask, width, height).indices).toHaveLength(0);
    expect(floodFill(6, mask, width, height).indices).toHaveLength(0);
  });

  it('stops at the limit, marks the result truncated and keeps it connected', () => {
    const rows = ['S...', '....', '....'];
    const result = fill(rows, 6);
    expect(result.truncated).toBe(true);
    expect(result.indices).toHaveLength(6);
    // The first row, then the part of the second row that grows from the pixel under the seed.
    expect(result.rows).toEqual(['****', '**..', '....']);
    // A span cut short keeps the pixel that touches the region: here column 2, below the gap.
    expect(fill(['##S#', '....', '....'], 3).rows).toEqual(['##*#', '..**', '....']);
  });

  it('is not truncated when the region is exactly the limit', () => {
    expect(fill(['S.#..', '..#..'], 4).truncated).toBe(false);
    expect(fill(['S.#..', '..#..'], 3).truncated).toBe(true);
  });

  it('accepts a predicate as the barrier', () => {
    const result = floodFill(0, (index) => index % 3 === 2, 3, 2);
    expect([...result.indices]).toEqual([0, 1, 3, 4]);
  });

  it('reads the barrier only on the rows the fill reaches', () => {
    // A wall across row 2 of a 4 × 100 slice: rows below it must never be asked about.
    const asked = new Set<number>();
    const result = floodFill(0, (index) => (asked.add(Math.floor(index / 4)), index >= 8 && index < 12), 4, 100);
    expect(result.indices).toHaveLength(8);
    expect(Math.max(...asked)).toBe(2);
  });

  it('names the sizes when the mask is too short', () => {
    expect(() => floodFill(0, new Uint8Array(3), 2, 2)).toThrow(/3 pixels.*2 × 2/);
  });
});

describe('membraneBarrier', () => {
  it('blocks painted membrane and predicted membrane, never painted cell', () => {
    const prediction = Uint8Array.from([0, 127, 128, 255, 255, 0]);
    const labels = Uint8Array.from([0, 0, 0, 0, 2, 1]);
    expect([...membraneBarrier(prediction, labels, 128)]).toEqual([0, 0, 1, 1, 0, 1]);
  });

  it('works with only a prediction or only labels', () => {
    expect([...membraneBarrier(Uint8Array.from([10, 200]), null, 100)]).toEqual([0, 1]);
    expect([...membraneBarrier(null, Uint8Array.from([0, 1, 2]), 100)]).toEqual([0, 1, 0]);
    expect([...membraneBarrier(null, null, 100, 3)]).toEqual([0, 0, 0]);
  });

  it('lets a painted cell open a gap the prediction closed', () => {
    // A predicted membrane column at x = 2 with a painted cell at its middle.
    const prediction = Uint8Array.from([0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0]);
    const labels = new Uint8Array(15);
    expect(floodFill(0, membraneBarrier(prediction, labels, 128), 5, 3).indices).toHaveLength(6);
    labels[7] = 2;
    expect(floodFill(0, membraneBarrier(prediction, labels, 128), 5, 3).indices).toHaveLength(13);
  });

  it('names the sizes when inputs disagree', () => {
    expect(() => membraneBarrier(new Uint8Array(4), new Uint8Array(3), 128)).toThrow(/3 pixels/);
  });
});
