import { describe, expect, it } from 'vitest';
import { CORRECTION_LABEL } from '../review/SliceCorrection.js';
import { withReviewedContext } from './reviewedContext.js';

const W = 40;
const H = 30;

describe('withReviewedContext', () => {
  it('labels confident predictions near a stroke, leaves far, unsure and painted pixels alone', () => {
    const labels = new Uint8Array(W * H);
    labels[10 * W + 10] = CORRECTION_LABEL.membrane; // one painted pixel at (10, 10)
    const probability = new Uint8Array(W * H).fill(10); // confident cell everywhere…
    probability[10 * W + 12] = 250; // …a confident membrane at (12, 10)…
    probability[11 * W + 10] = 128; // …and an unsure pixel at (10, 11)
    probability[10 * W + 10] = 5; // the model disagrees with the painted pixel
    const [out] = withReviewedContext([{ z: 2, labels }], new Map([[2, probability]]), W, H, { radius: 3, confident: 64 });
    expect(out!.labels[10 * W + 10]).toBe(CORRECTION_LABEL.membrane); // the expert wins
    expect(out!.labels[10 * W + 12]).toBe(CORRECTION_LABEL.membrane);
    expect(out!.labels[11 * W + 10]).toBe(CORRECTION_LABEL.unlabelled);
    expect(out!.labels[13 * W + 13]).toBe(CORRECTION_LABEL.cell); // Chebyshev distance 3: inside
    expect(out!.labels[14 * W + 10]).toBe(CORRECTION_LABEL.unlabelled); // distance 4: outside
    expect(out!.labels[10 * W + 6]).toBe(CORRECTION_LABEL.unlabelled);
    expect(out!.labels[10 * W + 7]).toBe(CORRECTION_LABEL.cell);
    // Exactly the 7 × 7 square less the painted and the unsure pixel got labels.
    expect(out!.labels.filter((v) => v !== CORRECTION_LABEL.unlabelled).length).toBe(49 - 1);
    expect(labels[10 * W + 12]).toBe(CORRECTION_LABEL.unlabelled); // the input is not changed
  });

  it('keeps slices without a prediction, and fully labelled slices, as they are', () => {
    const dense = { z: 0, labels: new Uint8Array(W * H).fill(CORRECTION_LABEL.cell) };
    const other = { z: 1, labels: new Uint8Array(W * H) };
    other.labels[0] = CORRECTION_LABEL.cell;
    const out = withReviewedContext([dense, other], new Map([[0, new Uint8Array(W * H).fill(255)]]), W, H, { radius: 5, confident: 64 });
    expect(out[0]).toBe(dense);
    expect(out[1]).toBe(other);
  });

  it('reaches the image edges from a stroke at a corner', () => {
    const labels = new Uint8Array(W * H);
    labels[(H - 1) * W + (W - 1)] = CORRECTION_LABEL.cell;
    const [out] = withReviewedContext([{ z: 0, labels }], new Map([[0, new Uint8Array(W * H)]]), W, H, { radius: 2, confident: 64 });
    const set = [...out!.labels.keys()].filter((i) => out!.labels[i] !== 0).map((i) => [i % W, Math.floor(i / W)]);
    expect(set).toHaveLength(9);
    expect(set.every(([x, y]) => x! >= W - 3 && y! >= H - 3)).toBe(true);
  });

  it('names the slice when a prediction has the wrong size', () => {
    const labels = new Uint8Array(W * H);
    labels[0] = 1;
    expect(() => withReviewedContext([{ z: 4, labels }], new Map([[4, new Uint8Array(10)]]), W, H)).toThrow(/slice 4 holds 10 pixels/);
  });

  it('adds no context where keepOut is set (held-out tiles and their guard band)', () => {
    const labels = new Uint8Array(W * H);
    labels[10 * W + 10] = CORRECTION_LABEL.cell;
    const keepOut = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 12; x < W; x++) keepOut[y * W + x] = 1; // everything right of x = 11
    const [out] = withReviewedContext([{ z: 1, labels }], new Map([[1, new Uint8Array(W * H)]]), W, H, { radius: 4, confident: 64 }, new Map([[1, keepOut]]));
    const xs = [...out!.labels.keys()].filter((i) => out!.labels[i] !== 0).map((i) => i % W);
    expect(Math.min(...xs)).toBe(6);
    expect(Math.max(...xs)).toBe(11);
    expect(xs).toHaveLength(9 * 6);
  });
});
