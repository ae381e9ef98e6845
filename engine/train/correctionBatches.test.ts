import { describe, expect, it } from 'vitest';
import { DEFAULT_NORMALIZATION } from '../model/modelFolder.js';
import { correctionSlices, makeCorrectionBatch } from './correctionBatches.js';
import { Random } from '../base/Random.js';

const W = 48;
const H = 40;

/** An image with a gradient, and a correction with a 3 × 3 stroke of `label` at (x, y). */
function stroked(x: number, y: number, label: 1 | 2): { images: { width: number; height: number; data: Uint8Array }; labels: Uint8Array } {
  const data = Uint8Array.from({ length: W * H * 2 }, (_, i) => i % 251);
  const labels = new Uint8Array(W * H);
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) labels[(y + dy) * W + x + dx] = label;
  return { images: { width: W, height: H, data }, labels };
}

describe('correctionSlices', () => {
  it('keeps the slices with labels, in ISBI values, with where their labels are', () => {
    const { images, labels } = stroked(10, 20, 2);
    labels[0] = 1;
    const slices = correctionSlices(images, [{ z: 1, labels }, { z: 0, labels: new Uint8Array(W * H) }]);
    expect(slices).toHaveLength(1);
    expect(slices[0]!.z).toBe(1);
    expect(slices[0]!.labelled.length).toBe(10);
    expect(slices[0]!.labels[0]).toBe(0);
    expect(slices[0]!.labels[20 * W + 10]).toBe(255);
    expect(slices[0]!.labels[1]).toBe(128);
    // Scaled by the slice's own range (slice 1 of the image, not slice 0).
    expect(slices[0]!.scaled[0]).toBeCloseTo(((W * H) % 251) / 250, 6);
  });
});

describe('makeCorrectionBatch', () => {
  it('places the patches on the labels, even a small stroke in a corner, and weighs only labelled pixels', () => {
    for (const [x, y] of [[1, 1], [W - 2, H - 2], [24, 20]] as const) {
      const { images, labels } = stroked(x, y, 1);
      const slices = correctionSlices(images, [{ z: 0, labels }]);
      const batch = makeCorrectionBatch({ train: slices }, 40, 64, DEFAULT_NORMALIZATION, new Random(x));
      expect(batch).toMatchObject({ count: 40, size: 64 });
      const n = 64 * 64;
      let withLabels = 0;
      for (let b = 0; b < 40; b++) {
        const weight = batch.weight.subarray(b * n, (b + 1) * n);
        if (weight.some((w) => w > 0)) withLabels++;
        // Membrane strokes: the target is 1 wherever the weight is, and the weight is 0 or 1.
        let wrong = 0;
        for (let i = 0; i < n; i++) if ((weight[i] !== 0 && weight[i] !== 1) || (weight[i] === 1 && batch.target[b * n + i] !== 1)) wrong++;
        expect(wrong).toBe(0);
      }
      // The elastic warp may squeeze a 3 × 3 stroke out of a patch now and then (seldom: the
      // stroke is kept 8 pixels, a patch's eighth, from the edges); placed at random, 9 of the
      // 1,920 pixels would be in few.
      expect(withLabels).toBeGreaterThanOrEqual(39);
    }
  });

  it('repeats exactly from the same random state', () => {
    const { images, labels } = stroked(24, 20, 2);
    const slices = correctionSlices(images, [{ z: 0, labels }]);
    const a = makeCorrectionBatch({ train: slices }, 3, 16, DEFAULT_NORMALIZATION, new Random(5));
    const b = makeCorrectionBatch({ train: slices }, 3, 16, DEFAULT_NORMALIZATION, new Random(5));
    expect(b).toEqual(a);
    expect(a.target.every((t) => t === 0)).toBe(true);
  });

  it('mixes in replay patches at the given share, each cut from its own slice size', () => {
    const { images, labels } = stroked(24, 20, 1);
    const train = correctionSlices(images, [{ z: 0, labels }]);
    // A replay slice of another size, all cell.
    const replay = correctionSlices({ width: 32, height: 32, data: new Uint8Array(32 * 32).fill(9) }, [{ z: 0, labels: new Uint8Array(32 * 32).fill(2) }]);
    const batch = makeCorrectionBatch({ train, replay, replayShare: 0.5 }, 200, 16, DEFAULT_NORMALIZATION, new Random(3));
    const n = 16 * 16;
    let fromReplay = 0;
    for (let b = 0; b < 200; b++) {
      const weight = batch.weight.subarray(b * n, (b + 1) * n);
      const target = batch.target.subarray(b * n, (b + 1) * n);
      // Replay patches are fully labelled cell; training patches hold membrane strokes only.
      if (weight.every((w) => w === 1) && target.every((t) => t === 0)) fromReplay++;
    }
    expect(fromReplay).toBeGreaterThan(70);
    expect(fromReplay).toBeLessThan(130);
    const none = makeCorrectionBatch({ train, replay, replayShare: 0 }, 50, 16, DEFAULT_NORMALIZATION, new Random(3));
    expect(none.target.some((t) => t === 1)).toBe(true);
    for (let b = 0; b < 50; b++) expect(none.weight.subarray(b * n, (b + 1) * n).every((w) => w === 1)).toBe(false);
  });

  it('needs a slice with labels', () => {
    expect(() => makeCorrectionBatch({ train: [] }, 1, 16, DEFAULT_NORMALIZATION, new Random(1))).toThrow(/at least one corrected slice/);
  });
});
