import { describe, expect, it } from 'vitest';
import { brushStroke, discOffsets, type Point } from './brushFootprint.js';

/** Draws covered pixels as '#' row by row, so expected shapes read as pictures. */
function picture(indices: Uint32Array, width: number, height: number): string[] {
  const rows = Array.from({ length: height }, () => Array<string>(width).fill('.'));
  for (const index of indices) rows[Math.floor(index / width)]![index % width] = '#';
  return rows.map((row) => row.join(''));
}

/** Distance from p to the segment a→b, the definition brushStroke must agree with. */
function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

describe('brushStroke', () => {
  it('covers exactly one pixel with radius 0.5 at a pixel centre', () => {
    expect([...brushStroke({ x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 0.5, 5, 5)]).toEqual([12]);
  });

  it('includes neighbours exactly on the rim', () => {
    expect(picture(brushStroke({ x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 1, 5, 5), 5, 5)).toEqual([
      '.....',
      '..#..',
      '.###.',
      '..#..',
      '.....',
    ]);
  });

  it('draws a 5×5 disc of radius 2', () => {
    expect(picture(brushStroke({ x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 2, 5, 5), 5, 5)).toEqual([
      '..#..',
      '.###.',
      '#####',
      '.###.',
      '..#..',
    ]);
  });

  it('draws a 3×3 block for radius 1.5 (diagonals at √2 are inside)', () => {
    expect([...brushStroke({ x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 1.5, 5, 5)]).toEqual([6, 7, 8, 11, 12, 13, 16, 17, 18]);
  });

  it('draws a one-pixel-wide horizontal stroke', () => {
    expect(picture(brushStroke({ x: 0.5, y: 1.5 }, { x: 3.5, y: 1.5 }, 0.5, 5, 3), 5, 3)).toEqual(['.....', '####.', '.....']);
  });

  it('draws a one-pixel-wide vertical stroke in either direction', () => {
    const down = brushStroke({ x: 1.5, y: 0.5 }, { x: 1.5, y: 2.5 }, 0.5, 3, 4);
    const up = brushStroke({ x: 1.5, y: 2.5 }, { x: 1.5, y: 0.5 }, 0.5, 3, 4);
    expect(picture(down, 3, 4)).toEqual(['.#.', '.#.', '.#.', '...']);
    expect([...up]).toEqual([...down]);
  });

  it('draws a thin diagonal stroke without its off-diagonal neighbours (0.707 > 0.5)', () => {
    expect(picture(brushStroke({ x: 0.5, y: 0.5 }, { x: 3.5, y: 3.5 }, 0.5, 4, 4), 4, 4)).toEqual(['#...', '.#..', '..#.', '...#']);
  });

  it('draws a wider diagonal stroke with its neighbours (0.707 < 0.75)', () => {
    expect(picture(brushStroke({ x: 0.5, y: 0.5 }, { x: 3.5, y: 3.5 }, 0.75, 4, 4), 4, 4)).toEqual(['##..', '###.', '.###', '..##']);
  });

  it('clips to the slice at the edges and corners', () => {
    expect([...brushStroke({ x: 0.5, y: 0.5 }, { x: 0.5, y: 0.5 }, 1.5, 5, 5)]).toEqual([0, 1, 5, 6]);
    expect(picture(brushStroke({ x: -1, y: 1.5 }, { x: 9, y: 1.5 }, 0.5, 4, 3), 4, 3)).toEqual(['....', '####', '....']);
    expect(brushStroke({ x: -10, y: -10 }, { x: -5, y: -10 }, 2, 5, 5)).toHaveLength(0);
    expect(brushStroke({ x: 2.5, y: 20 }, { x: 2.5, y: 20 }, 3, 5, 5)).toHaveLength(0);
  });

  it('returns nothing for a zero, negative or non-finite radius or point', () => {
    expect(brushStroke({ x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 0, 5, 5)).toHaveLength(0);
    expect(brushStroke({ x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, -1, 5, 5)).toHaveLength(0);
    expect(brushStroke({ x: Number.NaN, y: 2.5 }, { x: 2.5, y: 2.5 }, 1, 5, 5)).toHaveLength(0);
    expect(brushStroke({ x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, Number.POSITIVE_INFINITY, 5, 5)).toHaveLength(0);
  });

  it('agrees with the point-to-segment distance on random strokes, sorted and unique', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const width = 23;
    const height = 17;
    for (let trial = 0; trial < 300; trial++) {
      const from = { x: random() * 30 - 4, y: random() * 24 - 4 };
      const to = random() < 0.2 ? from : { x: random() * 30 - 4, y: random() * 24 - 4 };
      const radius = 0.3 + random() * 5;
      const got = brushStroke(from, to, radius, width, height);
      const expected: number[] = [];
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (distanceToSegment({ x: x + 0.5, y: y + 0.5 }, from, to) <= radius) expected.push(y * width + x);
        }
      }
      expect([...got]).toEqual(expected);
    }
  });
});

describe('discOffsets', () => {
  it('matches the pixels a click at a pixel centre paints', () => {
    expect(discOffsets(0.5)).toEqual([{ x: 0, y: 0 }]);
    expect(discOffsets(1)).toEqual([
      { x: 0, y: -1 },
      { x: -1, y: 0 },
      { x: 0, y: 0 },
      { x: 1, y: 0 },
      { x: 0, y: 1 },
    ]);
    expect(discOffsets(2)).toHaveLength(13);
    expect(discOffsets(0)).toEqual([]);
  });
});
