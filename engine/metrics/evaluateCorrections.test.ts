import { describe, expect, it } from 'vitest';
import { buildUnet } from '../model/buildUnet.js';
import { DEFAULT_NORMALIZATION, type LoadedModel } from '../model/modelFolder.js';
import { predictVolume } from '../predict/predictVolume.js';
import { syntheticStack } from '../train/testing/syntheticStack.js';
import { evaluateCorrections, evaluateProbabilities } from './evaluateCorrections.js';

// Slices of 7 × 3: two cells split by a membrane in column 3.
const W = 7;
const H = 3;
/** A correction from rows of '#' (cell, 2), '|' (membrane, 1) and '.' (unlabelled, 0). */
const rows = (...lines: string[]): Uint8Array => Uint8Array.from(lines.join('').split(''), (c) => (c === '#' ? 2 : c === '|' ? 1 : 0));
/** 8-bit membrane probability: 255 in the given columns, 0 elsewhere. */
const membraneAt = (...columns: number[]): Uint8Array => Uint8Array.from({ length: W * H }, (_, i) => (columns.includes(i % W) ? 255 : 0));

describe('evaluateProbabilities', () => {
  it('scores a prediction on the labelled pixels only, slice by slice in order', () => {
    const strokes = rows('##.|.##', '#.....#', '##...##');
    const result = evaluateProbabilities(
      [
        { z: 5, labels: strokes, probability: membraneAt(3) },
        { z: 2, labels: strokes, probability: membraneAt(3, 4) },
        { z: 9, labels: new Uint8Array(W * H), probability: membraneAt() },
      ],
      W,
      H,
    );
    // Column 4 is unlabelled: predicting it membrane costs nothing.
    expect(result).toEqual({ pixel_error: 0, v_rand: 1, v_info: expect.closeTo(1, 12), labelled_pixels: 22, slices: [2, 5] });
  });

  it('sees a merge through unlabelled pixels, and a cell predicted as membrane', () => {
    const strokes = rows('##...##', '##...##', '##...##');
    const merged = evaluateProbabilities([{ z: 0, labels: strokes, probability: membraneAt() }], W, H)!;
    expect(merged.v_rand).toBeCloseTo(2 / 3, 12);
    expect(merged.pixel_error).toBe(0);
    const wrong = evaluateProbabilities([{ z: 0, labels: strokes, probability: membraneAt(0, 3) }], W, H)!;
    expect(wrong.pixel_error).toBeGreaterThan(0);
  });

  it('is null without a labelled cell pixel, and refuses a prediction of the wrong size', () => {
    expect(evaluateProbabilities([], W, H)).toBeNull();
    expect(evaluateProbabilities([{ z: 0, labels: rows('...|...', '...|...', '...|...'), probability: membraneAt(3) }], W, H)).toBeNull();
    expect(() => evaluateProbabilities([{ z: 4, labels: rows('#......', '.......', '.......'), probability: new Uint8Array(20) }], W, H)).toThrow(
      /prediction of slice 4 holds 20 pixels, but the slices are 7 × 3 = 21/,
    );
  });
});

describe('evaluateCorrections', () => {
  const { images, labels } = syntheticStack(32, 4);
  const plane = 32 * 32;
  const architecture = { kind: 'unet' as const, levels: 2, base: 2 };
  const model: LoadedModel = {
    dir: '(test)',
    model: buildUnet(architecture, 3),
    meta: { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 32, overlap: 8 } },
  };
  const correction = (z: number): { z: number; labels: Uint8Array } => ({
    z,
    labels: Uint8Array.from((labels.data as Uint8Array).subarray(z * plane, (z + 1) * plane), (v, i) => (i % 32 < 16 ? (v === 0 ? 1 : 2) : 0)),
  });

  it('predicts the corrected slices and scores them as evaluateProbabilities does', async () => {
    const corrections = [correction(3), correction(1)];
    const result = await evaluateCorrections(model, images, corrections);
    const predicted = await predictVolume(images, model);
    const expected = evaluateProbabilities(
      corrections.map((c) => ({ ...c, probability: predicted.subarray(c.z * plane, (c.z + 1) * plane) })),
      32,
      32,
    );
    expect(result).toEqual(expected);
    expect(result).toMatchObject({ slices: [1, 3], labelled_pixels: 2 * plane / 2 });
  });

  it('is null without corrections, rejects with CANCELLED when aborted, and checks the corrections', async () => {
    expect(await evaluateCorrections(model, images, [])).toBeNull();
    const controller = new AbortController();
    controller.abort();
    await expect(evaluateCorrections(model, images, [correction(0)], { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(evaluateCorrections(model, images, [correction(0), correction(0)])).rejects.toThrow(/Slice 0 has two corrections/);
    await expect(evaluateCorrections(model, images, [{ z: 0, labels: new Uint8Array(5) }])).rejects.toThrow(/slice 0 holds 5 pixels, but the slices are 32 × 32 = 1024/);
  });
});
