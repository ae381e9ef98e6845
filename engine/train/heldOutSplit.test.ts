import { describe, expect, it } from 'vitest';
import { labelledPixelCount } from '../review/SliceCorrection.js';
import { splitHeldOut } from './heldOutSplit.js';

const W = 256;
const H = 256;
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
const full = (z: number): { z: number; labels: Uint8Array } => ({ z, labels: Uint8Array.from({ length: W * H }, (_, i) => (i % 7 === 0 ? 1 : 2)) });

describe('splitHeldOut', () => {
  it('holds out the validation slices whole when they have corrections', () => {
    const split = splitHeldOut([full(0), full(1), full(4)], new Set([4, 9]), W, H);
    expect(split.train.map((c) => c.z)).toEqual([0, 1]);
    expect(split.heldOut.map((h) => [h.z, h.dense])).toEqual([[4, true]]);
    expect(same(split.heldOut[0]!.labels, full(4).labels)).toBe(true);
    expect(split.how).toMatch(/validation slice 4/);
  });

  it('otherwise sets aside about a fifth of the labelled pixels as whole tiles from every slice, with a guard band', () => {
    const split = splitHeldOut([full(0), full(1)], new Set(), W, H, { seed: 3 });
    const total = 2 * W * H;
    const held = split.heldOut.reduce((n, h) => n + labelledPixelCount(h.labels), 0);
    expect(held / total).toBeGreaterThanOrEqual(0.2);
    expect(held / total).toBeLessThan(0.3);
    expect(split.heldOut.map((h) => h.z)).toEqual([0, 1]);
    expect(split.heldOut.every((h) => !h.dense)).toBe(true);
    let broken = 0;
    let leaks = 0;
    for (const h of split.heldOut) {
      const train = split.train.find((c) => c.z === h.z)!.labels;
      for (let i = 0; i < W * H; i++) {
        if (!h.labels[i]) continue;
        // Whole 64² tiles: the tile's first pixel (labelled in every tile here) is held out too.
        const x = i % W, y = Math.floor(i / W);
        if (!h.labels[(y - (y % 64)) * W + (x - (x % 64))]) broken++;
        // Not trained on, nor anything within 8 px of it.
        if (train[i] || (x >= 8 && train[i - 8]) || (y >= 8 && train[i - 8 * W]) || (x + 8 < W && train[i + 8])) leaks++;
      }
    }
    expect(broken).toBe(0);
    expect(leaks).toBe(0);
    // The same seed, the same split.
    const again = splitHeldOut([full(0), full(1)], new Set(), W, H, { seed: 3 });
    expect(again.heldOut.every((h, k) => same(h.labels, split.heldOut[k]!.labels))).toBe(true);
    expect(again.how).toBe(split.how);
  });

  it('holds out nothing when there are too few corrected tiles, and refuses a bad share', () => {
    const stroke = new Uint8Array(W * H);
    stroke.fill(1, 0, 40);
    const split = splitHeldOut([{ z: 0, labels: stroke }], new Set(), W, H);
    expect(split.heldOut).toEqual([]);
    expect(split.train).toHaveLength(1);
    expect(split.how).toMatch(/too few/);
    expect(() => splitHeldOut([full(0)], new Set(), W, H, { share: 1.5 })).toThrow(/between 0 and 1/);
  });
});
