import { describe, expect, it } from 'vitest';
import type { Point } from './brushFootprint.js';
import { polygonFill } from './polygonFill.js';

function picture(indices: Uint32Array, width: number, height: number): string[] {
  const rows = Array.from({ length: height }, () => Array<string>(width).fill('.'));
  for (const index of indices) rows[Math.floor(index / width)]![index % width] = '#';
  return rows.map((row) => row.join(''));
}

function points(...coordinates: number[]): Point[] {
  const out: Point[] = [];
  for (let k = 0; k < coordinates.length; k += 2) out.push({ x: coordinates[k]!, y: coordinates[k + 1]! });
  return out;
}

/** Even-odd crossing test at a point (PNPOLY), the definition polygonFill must agree with. */
function inside(polygon: Point[], x: number, y: number): boolean {
  let odd = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) odd = !odd;
  }
  return odd;
}

describe('polygonFill', () => {
  it('fills the pixels whose centres are inside a square', () => {
    expect(picture(polygonFill(points(1, 1, 4, 1, 4, 3, 1, 3), 5, 4), 5, 4)).toEqual(['.....', '.###.', '.###.', '.....']);
  });

  it('counts centres on the left and top edges in, on the right and bottom edges out', () => {
    // Corners on pixel centres (0.5, 0.5) and (2.5, 2.5).
    expect(picture(polygonFill(points(0.5, 0.5, 2.5, 0.5, 2.5, 2.5, 0.5, 2.5), 4, 4), 4, 4)).toEqual(['##..', '##..', '....', '....']);
  });

  it('tiles two polygons that share an edge without overlap or gap', () => {
    const left = polygonFill(points(0, 0, 2.5, 0, 2.5, 3, 0, 3), 5, 3);
    const right = polygonFill(points(2.5, 0, 5, 0, 5, 3, 2.5, 3), 5, 3);
    expect([...left, ...right].sort((a, b) => a - b)).toEqual([...Array(15).keys()]);
  });

  it('fills a concave U shape', () => {
    const u = points(0, 0, 1, 0, 1, 3, 4, 3, 4, 0, 5, 0, 5, 4, 0, 4);
    expect(picture(polygonFill(u, 5, 4), 5, 4)).toEqual(['#...#', '#...#', '#...#', '#####']);
  });

  it('leaves the doubly enclosed centre of a pentagram out (even-odd)', () => {
    const star: Point[] = [];
    for (let k = 0; k < 5; k++) {
      const angle = -Math.PI / 2 + (k * 4 * Math.PI) / 5;
      star.push({ x: 10 + 9 * Math.cos(angle), y: 10 + 9 * Math.sin(angle) });
    }
    const filled = new Set(polygonFill(star, 20, 20));
    expect(filled.has(10 * 20 + 10)).toBe(false); // the pentagon in the middle
    expect(filled.has(4 * 20 + 10)).toBe(true); // the top point
  });

  it('fills both lobes of a bow tie', () => {
    expect(picture(polygonFill(points(0, 0, 6, 4, 6, 0, 0, 4), 6, 4), 6, 4)).toEqual(['#....#', '##..##', '##..##', '#....#']);
  });

  it('clips to the slice', () => {
    expect(picture(polygonFill(points(-5, -5, 2, -5, 2, 2, -5, 2), 4, 3), 4, 3)).toEqual(['##..', '##..', '....']);
    expect(polygonFill(points(10, 10, 12, 10, 12, 12), 4, 4)).toHaveLength(0);
  });

  it('returns nothing for fewer than 3 points or a flat polygon', () => {
    expect(polygonFill([], 4, 4)).toHaveLength(0);
    expect(polygonFill(points(0, 0, 3, 3), 4, 4)).toHaveLength(0);
    expect(polygonFill(points(0, 0, 1, 1, 2, 2), 4, 4)).toHaveLength(0);
    expect(polygonFill(points(0, 1, 4, 1, 2, 1), 4, 4)).toHaveLength(0);
  });

  it('ignores non-finite points', () => {
    const square = points(1, 1, 4, 1, 4, 3, 1, 3);
    expect([...polygonFill([...square, { x: Number.NaN, y: 2 }], 5, 4)]).toEqual([...polygonFill(square, 5, 4)]);
  });

  it('agrees with the even-odd crossing test on random polygons, sorted', () => {
    let seed = 99;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const width = 19;
    const height = 14;
    for (let trial = 0; trial < 200; trial++) {
      const polygon: Point[] = [];
      const count = 3 + Math.floor(random() * 9);
      for (let k = 0; k < count; k++) polygon.push({ x: random() * 25 - 3, y: random() * 20 - 3 });
      const expected: number[] = [];
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inside(polygon, x + 0.5, y + 0.5)) expected.push(y * width + x);
      expect([...polygonFill(polygon, width, height)]).toEqual(expected);
    }
  });
});
