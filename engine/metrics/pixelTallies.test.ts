import { describe, expect, it } from 'vitest';
import { compareTallies, pixelScores, tallySlice } from './pixelTallies.js';

const W = 128;
const H = 64;

/** Labels: membrane (1) on even rows, cell (2) on odd rows, unlabelled where `skip`. */
function labels(skip: (x: number, y: number) => boolean = () => false): Uint8Array {
  return Uint8Array.from({ length: W * H }, (_, i) => (skip(i % W, Math.floor(i / W)) ? 0 : Math.floor(i / W) % 2 === 0 ? 1 : 2));
}

/** A prediction right everywhere except where `wrong` says. */
function prediction(truth: Uint8Array, wrong: (x: number, y: number) => boolean = () => false): Uint8Array {
  return Uint8Array.from(truth, (v, i) => {
    const membrane = v === 1;
    const flip = wrong(i % W, Math.floor(i / W));
    return membrane !== flip ? 230 : 20;
  });
}

describe('tallySlice and pixelScores', () => {
  it('counts errors per 64² block on labelled pixels only, each class weighing half', () => {
    const truth = labels((x) => x >= 100);
    // Wrong: every membrane pixel of the first 10 columns (membrane predicted as cell).
    const tallies = tallySlice(3, prediction(truth, (x, y) => x < 10 && y % 2 === 0), truth, W, H);
    expect(tallies.map((t) => [t.z, t.x, t.y])).toEqual([[3, 0, 0], [3, 64, 0]]);
    expect(tallies[0]).toMatchObject({ membrane: 32 * 64, membraneWrong: 320, cell: 32 * 64, cellWrong: 0 });
    expect(tallies[1]).toMatchObject({ membrane: 32 * 36, cell: 32 * 36, membraneWrong: 0 });
    const s = pixelScores(tallies);
    expect(s.labelled_pixels).toBe(100 * 64);
    expect(s.membrane_error).toBeCloseTo(320 / (32 * 100), 12);
    expect(s.cell_error).toBe(0);
    expect(s.error).toBeCloseTo((320 / 3200) / 2, 12);
    // Membrane F1: TP 2880, FP 0, FN 320.
    expect(s.membrane_f1).toBeCloseTo((2 * 2880) / (2 * 2880 + 320), 12);
    expect(s.cell_f1).toBeCloseTo((2 * 3200) / (2 * 3200 + 320), 12);
    // Cross-entropy: right pixels at p = 230/255 or 20/255, wrong ones at the other.
    const membraneRight = -Math.log(230 / 255);
    const membraneWrong = -Math.log(20 / 255);
    const cellRight = -Math.log(1 - 20 / 255);
    expect(s.cross_entropy).toBeCloseTo((2880 * membraneRight + 320 * membraneWrong + 3200 * cellRight) / 6400, 9);
    expect(s.blocks).toBe(2);
  });

  it('skips blocks without labels, and scores one class alone when only it is labelled', () => {
    const truth = Uint8Array.from({ length: W * H }, (_, i) => (i % W < 64 ? 2 : 0));
    const s = pixelScores(tallySlice(0, prediction(truth, (x, y) => y < 8), truth, W, H));
    expect(s.blocks).toBe(1);
    expect(s.membrane_error).toBeNull();
    expect(s.membrane_f1).toBeNull();
    expect(s.cell_f1).toBeCloseTo((2 * 56 * 64) / (2 * 56 * 64 + 8 * 64), 12);
    expect(s.error).toBeCloseTo(8 / 64, 12);
  });

  it('refuses a prediction of the wrong size', () => {
    expect(() => tallySlice(0, new Uint8Array(5), labels(), W, H)).toThrow(/Slice 0: the prediction \(5 pixels\)/);
  });
});

describe('compareTallies', () => {
  it('reports the improvement with a bootstrap standard error that shrinks with more blocks', () => {
    const truth = labels();
    const before = tallySlice(0, prediction(truth, (x, y) => (x * 7 + y * 3) % 10 === 0), truth, W, H);
    const after = tallySlice(0, prediction(truth, (x, y) => (x * 7 + y * 3) % 20 === 0), truth, W, H);
    const c = compareTallies(before, after);
    expect(c.improvement).toBeCloseTo(pixelScores(before).error - pixelScores(after).error, 12);
    expect(c.improvement).toBeGreaterThan(0.04);
    expect(c.blocks).toBe(2);
    expect(c.noise).toBeGreaterThanOrEqual(0);
    // The same model against itself: no improvement and no noise.
    expect(compareTallies(before, before)).toEqual({ improvement: 0, noise: 0, blocks: 2 });
    // Errors concentrated in one of many blocks: a noisy difference.
    const wide = 512;
    const truthWide = Uint8Array.from({ length: wide * wide }, (_, i) => (Math.floor(i / wide) % 2 === 0 ? 1 : 2));
    const predictWide = (bad: (x: number, y: number) => boolean): Uint8Array => Uint8Array.from(truthWide, (v, i) => ((v === 1) !== bad(i % wide, Math.floor(i / wide)) ? 230 : 20));
    const a = tallySlice(0, predictWide((x, y) => x < 64 && y < 64), truthWide, wide, wide);
    const b = tallySlice(0, predictWide(() => false), truthWide, wide, wide);
    const lumpy = compareTallies(a, b);
    expect(lumpy.blocks).toBe(64);
    expect(lumpy.improvement).toBeCloseTo(1 / 64, 9);
    // One bad block in 64: the standard error of its share is about sqrt(1/64 · 63/64 / 64) ≈ 0.0155.
    expect(lumpy.noise).toBeGreaterThan(0.01);
    expect(lumpy.noise).toBeLessThan(0.021);
  });

  it('refuses tallies of different pixels', () => {
    const truth = labels();
    const a = tallySlice(0, prediction(truth), truth, W, H);
    expect(() => compareTallies(a, a.slice(1))).toThrow(/same labelled pixels/);
  });
});
