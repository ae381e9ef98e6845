import { describe, expect, it } from 'vitest';
import { watershed2d } from './watershed2d.js';

const PIXEL = { x: 4, y: 4 };

/** Membrane probability of discs on a membrane background: 0 inside, 255 outside. */
function discs(width: number, height: number, list: { x: number; y: number; r: number }[]): Uint8Array {
  const p = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (list.some((d) => Math.hypot(x - d.x, y - d.y) <= d.r)) p[y * width + x] = 0;
  return p;
}

/** The set of labels at the given pixels, and whether no two 4-neighbours hold different non-zero labels. */
function separated(labels: Uint32Array, width: number): boolean {
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i]!;
    if (a === 0) continue;
    if ((i + 1) % width !== 0 && labels[i + 1] !== 0 && labels[i + 1] !== a) return false;
    if (i + width < labels.length && labels[i + width] !== 0 && labels[i + width] !== a) return false;
  }
  return true;
}

describe('watershed2d', () => {
  it('splits two touching discs along the thin membrane between them', () => {
    const [width, height] = [64, 40];
    // Two discs of radius 14 whose centres are 28 px apart: they touch along x = 32.
    const p = discs(width, height, [
      { x: 18, y: 20, r: 14.5 },
      { x: 46, y: 20, r: 14.5 },
    ]);
    for (let y = 0; y < height; y++) p[y * width + 32] = 230; // a one-pixel membrane, not quite certain
    const { labels, count } = watershed2d(p, width, height, { pixelSize: PIXEL });
    expect(count).toBe(2);
    const left = labels[20 * width + 18]!;
    const right = labels[20 * width + 46]!;
    expect(left).toBeGreaterThan(0);
    expect(right).toBeGreaterThan(0);
    expect(left).not.toBe(right);
    expect(separated(labels, width)).toBe(true);
    // Lines are thin: nearly every pixel belongs to a cell.
    expect(labels.filter((v) => v === 0).length).toBeLessThan(width * height * 0.1);
  });

  it('splits cells joined through a gap in the membrane, but not a cell with a broad waist', () => {
    const [width, height] = [80, 40];
    const gap = discs(width, height, [
      { x: 20, y: 20, r: 16 },
      { x: 58, y: 20, r: 16 },
    ]);
    // A 3-pixel-wide channel of interior joins the two cells through the membrane.
    for (let x = 30; x < 50; x++) for (let y = 19; y <= 21; y++) gap[y * width + x] = 0;
    expect(watershed2d(gap, width, height, { pixelSize: PIXEL }).count).toBe(2);
    const waist = discs(width, height, [
      { x: 26, y: 20, r: 16 },
      { x: 52, y: 20, r: 16 },
    ]);
    expect(watershed2d(waist, width, height, { pixelSize: PIXEL }).count).toBe(1);
  });

  it('merges segments below minArea (nm², from the pixel size) into a neighbour', () => {
    const [width, height] = [60, 30];
    const p = discs(width, height, [
      { x: 15, y: 15, r: 12 },
      { x: 45, y: 15, r: 12 },
      { x: 30, y: 4, r: 1.5 }, // a speck in the membrane between them
    ]);
    const kept = watershed2d(p, width, height, { pixelSize: PIXEL, minArea: 0 });
    expect(kept.count).toBe(3);
    // The speck's segment is its basin: the speck and its share of the membrane around it.
    const speck = kept.labels[4 * width + 30]!;
    const pixels = kept.labels.filter((v) => v === speck).length;
    const cellPixels = kept.labels.filter((v) => v === kept.labels[15 * width + 15]).length;
    expect(cellPixels).toBeGreaterThan(4 * pixels);
    expect(watershed2d(p, width, height, { pixelSize: PIXEL, minArea: 0.5 * pixels * 16 }).count).toBe(3);
    const merged = watershed2d(p, width, height, { pixelSize: PIXEL, minArea: 3 * pixels * 16 });
    expect(merged.count).toBe(2);
    expect(merged.labels[4 * width + 30]).not.toBe(0);
    // At 1 nm pixels the speck covers 16 times fewer nm²: the minimum that kept it now merges it.
    expect(watershed2d(p, width, height, { pixelSize: { x: 1, y: 1 }, minArea: 0.5 * pixels * 16 }).count).toBe(2);
    // With a large minimum, everything merges into one segment, which stays however small.
    expect(watershed2d(p, width, height, { pixelSize: PIXEL, minArea: 1e9 }).count).toBe(1);
  });

  it('lets corrections override the probability: membrane strokes split, cell strokes join', () => {
    const [width, height] = [60, 30];
    const one = discs(width, height, [{ x: 30, y: 15, r: 60 }]);
    expect(watershed2d(one, width, height, { pixelSize: PIXEL }).count).toBe(1);
    const corrections = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) corrections[y * width + 30] = 1; // a membrane stroke across
    const split = watershed2d(one, width, height, { pixelSize: PIXEL, corrections });
    expect(split.count).toBe(2);
    expect(split.labels[15 * width + 10]).not.toBe(split.labels[15 * width + 50]);

    const two = discs(width, height, [
      { x: 15, y: 15, r: 13 },
      { x: 45, y: 15, r: 13 },
    ]);
    expect(watershed2d(two, width, height, { pixelSize: PIXEL }).count).toBe(2);
    const join = new Uint8Array(width * height);
    for (let x = 10; x < 50; x++) for (let y = 8; y < 22; y++) join[y * width + x] = 2; // a broad cell stroke
    expect(watershed2d(two, width, height, { pixelSize: PIXEL, corrections: join }).count).toBe(1);
    // The caller's probability is left as it was.
    expect(two[15 * width + 30]).toBe(255);
  });

  it('labels nothing in an all-membrane slice and one cell in a slice without membrane', () => {
    expect(watershed2d(new Uint8Array(100).fill(255), 10, 10, { pixelSize: PIXEL }).count).toBe(0);
    const whole = watershed2d(new Uint8Array(100), 10, 10, { pixelSize: PIXEL });
    expect(whole.count).toBe(1);
    expect(Array.from(new Set(whole.labels))).toEqual([1]);
  });

  it('rejects wrong sizes and options with the value in the message', () => {
    expect(() => watershed2d(new Uint8Array(10), 4, 4, { pixelSize: PIXEL })).toThrow(/holds 10 pixels, not 4 × 4/);
    expect(() => watershed2d(new Uint8Array(16), 4, 4, { pixelSize: PIXEL, seedThreshold: 300 })).toThrow(/seedThreshold must be 0..256/);
    expect(() => watershed2d(new Uint8Array(16), 4, 4, { pixelSize: { x: 0, y: 4 } })).toThrow(/pixel size must be positive/);
    expect(() => watershed2d(new Uint8Array(16), 4, 4, { pixelSize: PIXEL, corrections: new Uint8Array(3) })).toThrow(/corrections hold 3 pixels/);
  });
});
