import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTiff } from '../io/readTiff.js';
import { evaluateSlices } from './evaluateSlices.js';

/** Binary ISBI labels from rows of '#' (cell, 255) and '.' (membrane, 0). */
function labelRows(rows: string[]): Uint8Array {
  return Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 255 : 0));
}

// Two cells of 3 × 3 pixels separated by a membrane in column 3.
const TWO_CELLS = ['###.###', '###.###', '###.###'];

describe('evaluateSlices', () => {
  it('computes the pixel error as 1 − the best F-score of cell pixels over the thresholds', () => {
    // Labels: cell, cell, membrane, cell. Membrane probability 0, 0.65, 0.95, 0.25 (cell
    // probability 1, 0.35, 0.05, 0.75); a pixel is cell at t when its membrane probability < t.
    //   t = 1:         all cell        tp 3, fp 1, fn 0 → F = 6/7
    //   t = 0.9 … 0.7: cell, cell, membrane, cell → exact, F = 1
    //   t = 0.6 … 0.3: pixel 1 is membrane → tp 2, fn 1 → F = 0.8
    //   t = 0.2 … 0:   only pixel 0 is cell → tp 1, fn 2 → F = 0.5
    const result = evaluateSlices(Float32Array.of(0, 0.65, 0.95, 0.25), labelRows(['##.#']), 4, 1, 1);
    expect(result.per_threshold.map((s) => s.pixel_error)).toEqual([0.5, 0.5, 0.5, 0.2, 0.2, 0.2, 0.2, 0, 0, 0, 1 - 6 / 7].map((e) => expect.closeTo(e, 12)));
    // Best F = 1, first reached (in the reference's order, t falling) at t = 0.9.
    expect(result.pixel_error).toBe(0);
    expect(result.pixel_error_threshold).toBe(0.9);
    // At t = 0.5 pixel 1 is wrong: 1 of 4 pixels.
    expect(result.pixel_disagreement).toBe(0.25);
  });

  it('thins predicted borders before scoring: a 3-pixel-wide membrane scores V_rand 1', () => {
    // The prediction marks columns 2-4 as membrane (0.8) around the true membrane in column 3.
    const probability = Float32Array.from({ length: 21 }, (_, i) => ([2, 3, 4].includes(i % 7) ? 0.8 : 0));
    const result = evaluateSlices(probability, labelRows(TWO_CELLS), 7, 3, 1);
    // t ≤ 0.8: columns 2-4 are border; thinned, columns 2 and 4 rejoin their cells and column 3
    // stays a line: the ground truth exactly. (Without thinning, the 6 border pixels inside the
    // cells would be singletons: split = (36 + 36 + 6)/162 < 1.)
    expect(result.v_rand).toBe(1);
    expect(result.v_rand_threshold).toBe(0.8);
    expect(result.v_info).toBeCloseTo(1, 12);
    expect(result.v_info_threshold).toBe(0.8);
    // t = 0.9 and 1: everything is cell, one segment. Σn² = 81 + 81, Σt² = 162, Σs² = 18² = 324:
    // split 1, merge 0.5, V_rand 2/3; V_info 0 (the prediction has no entropy).
    const top = result.per_threshold[10]!;
    expect(top).toMatchObject({ threshold: 1, v_rand_split: 1, v_rand_merge: 0.5, v_info: 0 });
    expect(top.v_rand).toBeCloseTo(2 / 3, 15);
    // Pixel F-score: at t = 1, tp 18, fp 3 → 12/13 (best); at t ≤ 0.8, tp 12, fn 6 → 0.8.
    expect(result.pixel_error).toBeCloseTo(1 / 13, 15);
    expect(result.pixel_error_threshold).toBe(1);
    // At t = 0.5, columns 2 and 4 are wrong: 6 of 21 pixels.
    expect(result.pixel_disagreement).toBeCloseTo(6 / 21, 15);
  });

  it('averages per-slice scores over slices, or pools their pair counts on request', () => {
    // Slice 0 predicts the labels exactly; slice 1 predicts no membrane (one merged segment).
    const labels = labelRows([...TWO_CELLS, ...TWO_CELLS]);
    const probability = Float32Array.from(labels, (v, i) => (i < 21 && v === 0 ? 1 : 0));
    const mean = evaluateSlices(probability, labels, 7, 3, 2);
    // Slice scores 1 and 2/3 (split 1, merge 1 and 0.5): mean 5/6, merge 0.75. V_info: (1 + 0)/2.
    expect(mean.v_rand).toBeCloseTo(5 / 6, 15);
    expect(mean.per_threshold[5]!.v_rand_merge).toBe(0.75);
    expect(mean.v_info).toBeCloseTo(0.5, 12);
    // Pooled: Σn² = 162 + 162, Σt² = 162 + 162, Σs² = 162 + 324 → merge 2/3, V_rand 0.8.
    const pooled = evaluateSlices(probability, labels, 7, 3, 2, { randAggregation: 'pooled' });
    expect(pooled.v_rand).toBeCloseTo(0.8, 15);
    expect(pooled.v_info).toBe(mean.v_info);
  });

  it('leaves slices without ground-truth cells out of V_rand and V_info, but not out of the pixel error', () => {
    const labels = labelRows([...TWO_CELLS, '.......', '.......', '.......']);
    const probability = Float32Array.from(labels, (v) => (v === 0 ? 1 : 0));
    const result = evaluateSlices(probability, labels, 7, 3, 2);
    expect(result.slices_scored).toBe(1);
    expect(result.v_rand).toBe(1);
    expect(result.pixel_error).toBe(0);
    expect(() => evaluateSlices(new Float32Array(21), new Uint8Array(21), 7, 3, 1)).toThrow(/none of the 1 label slices has a cell pixel/);
  });

  it('rejects inputs of the wrong size or outside 0-1, saying where', () => {
    expect(() => evaluateSlices(new Float32Array(20), new Uint8Array(21), 7, 3, 1)).toThrow(/probability holds 20 voxels but 7 × 3 × 1 = 21/);
    expect(() => evaluateSlices(new Float32Array(21), new Uint8Array(21), 7, 3, 0)).toThrow(/depth must be a positive integer/);
    const probability = new Float32Array(42);
    probability[7 * 3 + 7 + 2] = 255;
    expect(() => evaluateSlices(probability, new Uint8Array(42), 7, 3, 2)).toThrow(/at x 2, y 1, z 1 is 255, outside 0-1; divide 8-bit maps by 255/);
    probability[7 * 3 + 7 + 2] = Number.NaN;
    expect(() => evaluateSlices(probability, new Uint8Array(42), 7, 3, 2)).toThrow(/is NaN/);
  });

  it('reports progress per slice and stops when aborted', () => {
    const labels = labelRows([...TWO_CELLS, ...TWO_CELLS]);
    const calls: number[] = [];
    evaluateSlices(new Float32Array(42), labels, 7, 3, 2, { onProgress: (done, depth) => calls.push(done / depth) });
    expect(calls).toEqual([0.5, 1]);
    const controller = new AbortController();
    controller.abort();
    expect(() => evaluateSlices(new Float32Array(42), labels, 7, 3, 2, { signal: controller.signal })).toThrow(/abort/i);
  });

  describe('on ISBI 2012 training labels (2 slices, 512 × 512)', () => {
    const file = new URL('../../../shared/data/isbi2012/train-labels.tif', import.meta.url);
    const volume = readTiff(new Uint8Array(readFileSync(file)), file.pathname);
    const [width, height, depth] = [volume.width, volume.height, 2];
    const labels = volume.data.slice(0, width * height * depth) as Uint8Array;
    const perfect = Float32Array.from(labels, (v) => (v > 127 ? 0 : 1));

    it('scores the labels against themselves perfectly', () => {
      const result = evaluateSlices(perfect, labels, width, height, depth);
      expect(result.v_rand).toBe(1);
      expect(result.v_info).toBeCloseTo(1, 12);
      expect(result.pixel_error).toBe(0);
      expect(result.pixel_disagreement).toBe(0);
      expect(result.slices_scored).toBe(2);
      // A 0/1 map gives the same segmentation at every threshold, t = 0 and 1 included.
      expect(new Set(result.per_threshold.map((s) => s.v_rand))).toEqual(new Set([1]));
    });

    it('scores membranes dilated by 2 pixels a little lower, while their pixel error jumps', () => {
      let dilated: Float32Array = perfect;
      for (let step = 0; step < 2; step++) dilated = dilateMembrane(dilated, width, height, depth);
      const result = evaluateSlices(dilated, labels, width, height, depth);
      // Thinning makes V_rand robust to border width (the point of the 2015 metrics) ...
      expect(result.v_rand).toBeLessThan(1);
      expect(result.v_rand).toBeGreaterThan(0.98);
      expect(result.v_info).toBeLessThan(1);
      // ... the pixel error is not.
      expect(result.pixel_error).toBeGreaterThan(0.05);
    });

    it('scores gaps in the membranes (merged cells) much lower', () => {
      // Membranes erased in every fourth band of 16 rows: neighbouring cells merge.
      const gaps = perfect.map((v, i) => (Math.floor((i % (width * height)) / width / 16) % 4 === 0 ? 0 : v));
      const result = evaluateSlices(gaps, labels, width, height, depth);
      expect(result.v_rand).toBeLessThan(0.2);
      expect(result.per_threshold[5]!.v_rand_split).toBe(1);
      expect(result.per_threshold[5]!.v_rand_merge).toBeLessThan(0.1);
      expect(result.v_info).toBeLessThan(0.5);
    });

    it('finds the threshold that separates soft membranes (0.75) from cells (0.25)', () => {
      const soft = perfect.map((v) => (v === 1 ? 0.75 : 0.25));
      const result = evaluateSlices(soft, labels, width, height, depth);
      expect(result.v_rand).toBe(1);
      // The first perfect step in the reference's order (t falling) is 0.7: at 0.8 the membranes
      // (0.75) are below t, hence cell, and merge everything.
      expect(result.v_rand_threshold).toBe(0.7);
      expect(result.pixel_error).toBe(0);
      // At t = 0.2 nothing is cell: one big segment.
      expect(result.per_threshold[2]!.v_rand_split).toBe(1);
      expect(result.per_threshold[2]!.v_rand_merge).toBeLessThan(0.1);
    });
  });
});

describe('evaluateSlices with a labelled mask', () => {
  // Two slices of TWO_CELLS; a soft prediction with a misplaced membrane in slice 1.
  const labels = labelRows([...TWO_CELLS, ...TWO_CELLS]);
  const probability = Float32Array.from(labels, (v, i) => (i < 21 ? (v === 0 ? 0.9 : 0.15) : i % 7 === 2 ? 0.7 : 0.3));

  it('gives exactly the unmasked result when every pixel is labelled', () => {
    const full = new Uint8Array(labels.length).fill(1);
    expect(evaluateSlices(probability, labels, 7, 3, 2, { labelled: full })).toEqual(evaluateSlices(probability, labels, 7, 3, 2));
    const file = new URL('../../../shared/data/isbi2012/train-labels.tif', import.meta.url);
    const volume = readTiff(new Uint8Array(readFileSync(file)), file.pathname);
    const plane = volume.width * volume.height;
    const isbi = volume.data.slice(0, plane) as Uint8Array;
    const noisy = Float32Array.from(isbi, (v, i) => Math.min(1, Math.max(0, (v > 127 ? 0.2 : 0.8) + (((i * 2654435761) % 1000) / 1000 - 0.5) * 0.7)));
    const unmasked = evaluateSlices(noisy, isbi, volume.width, volume.height, 1);
    expect(evaluateSlices(noisy, isbi, volume.width, volume.height, 1, { labelled: new Uint8Array(plane).fill(255) })).toEqual(unmasked);
  });

  it('ignores the labels outside the mask, and the prediction there in the pixel error', () => {
    // Labelled: the left cell and the membrane of each slice (columns 0-3).
    const labelled = Uint8Array.from(labels, (_, i) => (i % 7 <= 3 ? 1 : 0));
    const reference = evaluateSlices(probability, labels, 7, 3, 2, { labelled });
    const otherLabels = labels.map((v, i) => (i % 7 > 3 ? 255 - v : v));
    expect(evaluateSlices(probability, otherLabels, 7, 3, 2, { labelled })).toEqual(reference);
    // The prediction outside the mask: pixel scores unchanged (it can still split or merge
    // labelled cells, so V_rand may move; not here, where the right cell is wholly unlabelled).
    const otherPrediction = probability.map((p, i) => (i % 7 > 3 ? 1 - p : p));
    const moved = evaluateSlices(otherPrediction, labels, 7, 3, 2, { labelled });
    expect(moved.per_threshold.map((s) => s.pixel_error)).toEqual(reference.per_threshold.map((s) => s.pixel_error));
    expect(moved.pixel_disagreement).toBe(reference.pixel_disagreement);
    // Of the 24 labelled pixels, slice 1's column 2 (cell, predicted 0.7) is wrong at t = 0.5,
    // and so is its membrane column 3 (predicted 0.3).
    expect(reference.pixel_disagreement).toBe(6 / 24);
  });

  it('scores strokes in two cells as two ground-truth cells, merged by a gap outside the strokes', () => {
    // Strokes: columns 0-1 of the left cell, 5-6 of the right; the membrane is unlabelled.
    const strokes = Uint8Array.from(labelRows(TWO_CELLS), (_, i) => (i % 7 <= 1 || i % 7 >= 5 ? 1 : 0));
    const separated = Float32Array.from({ length: 21 }, (_, i) => (i % 7 === 3 ? 1 : 0));
    const merged = new Float32Array(21);
    const good = evaluateSlices(separated, labelRows(TWO_CELLS), 7, 3, 1, { labelled: strokes });
    const bad = evaluateSlices(merged, labelRows(TWO_CELLS), 7, 3, 1, { labelled: strokes });
    expect(good.v_rand).toBe(1);
    expect(bad.v_rand).toBeCloseTo(2 / 3, 12);
    expect(good.pixel_error).toBe(0);
    expect(bad.pixel_error).toBe(0);
  });

  it('refuses a mask of the wrong size and a mask without labelled cell pixels', () => {
    expect(() => evaluateSlices(probability, labels, 7, 3, 2, { labelled: new Uint8Array(21) })).toThrow(/labelled holds 21 voxels but 7 × 3 × 2 = 42/);
    const membraneOnly = Uint8Array.from(labels, (v) => (v === 0 ? 1 : 0));
    expect(() => evaluateSlices(probability, labels, 7, 3, 2, { labelled: membraneOnly })).toThrow(/has a labelled cell pixel/);
  });
});

/** Membrane (1) grown by one pixel in the 4-neighbourhood, slice by slice. */
function dilateMembrane(membrane: Float32Array, width: number, height: number, depth: number): Float32Array {
  const out = membrane.slice();
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (z * height + y) * width + x;
        const near = (x > 0 && membrane[i - 1] === 1) || (x < width - 1 && membrane[i + 1] === 1) || (y > 0 && membrane[i - width] === 1) || (y < height - 1 && membrane[i + width] === 1);
        if (near) out[i] = 1;
      }
    }
  }
  return out;
}
