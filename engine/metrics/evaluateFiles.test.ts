import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoxelArray } from '../io/Volume.js';
import { VolumeReadError } from '../io/VolumeReadError.js';
import { writeTiff } from '../io/writeTiff.js';
import { EvaluationError } from './EvaluationError.js';
import { evaluateFiles } from './evaluateFiles.js';

let tmp: string;
const WIDTH = 7;
const HEIGHT = 3;
// Two 3 × 3 cells with a membrane in column 3, on 2 slices.
const LABELS = Uint8Array.from({ length: WIDTH * HEIGHT * 2 }, (_, i) => (i % WIDTH === 3 ? 0 : 255));

/** Writes a stack as a TIFF in the temporary folder and returns its path. */
function tiff(name: string, data: VoxelArray, depth = 2, width = WIDTH): string {
  const dtype = data instanceof Uint8Array ? 'uint8' : data instanceof Uint16Array ? 'uint16' : 'float32';
  const file = path.join(tmp, name);
  writeFileSync(file, writeTiff({ width, height: HEIGHT, depth, dtype, data }));
  return file;
}

/** The EvaluationError a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<EvaluationError> {
  const error = await promise.then(
    () => new Error('expected the evaluation to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EvaluationError);
  expect((error as EvaluationError).hint.length).toBeGreaterThan(20);
  return error as EvaluationError;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-metrics-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('evaluateFiles', () => {
  it('scores an 8-bit prediction (255 = membrane) that matches the labels perfectly', async () => {
    const labels = tiff('labels.tif', LABELS);
    const prediction = tiff('prediction.tif', LABELS.map((v) => 255 - v));
    const result = await evaluateFiles(prediction, labels);
    expect(result).toMatchObject({ v_rand: 1, pixel_error: 0, pixel_disagreement: 0, slices_scored: 2, warnings: [] });
    expect(result.v_info).toBeCloseTo(1, 12);
  });

  it('reads 16-bit and 32-bit float predictions as probabilities', async () => {
    const labels = tiff('labels.tif', LABELS);
    // Float: 0.8 on columns 2-4 (a thick membrane), thinned back to column 3 → V_rand 1 at t = 0.8.
    const thick = Float32Array.from(LABELS, (_, i) => ([2, 3, 4].includes(i % WIDTH) ? 0.8 : 0));
    const float = await evaluateFiles(tiff('float.tif', thick), labels);
    expect([float.v_rand, float.v_rand_threshold]).toEqual([1, 0.8]);
    const sixteen = await evaluateFiles(tiff('sixteen.tif', Uint16Array.from(LABELS, (v) => (v === 0 ? 65535 : 0))), labels);
    expect(sixteen.v_rand).toBe(1);
  });

  it('refuses stacks of different shapes, naming both files and both shapes', async () => {
    const labels = tiff('labels.tif', LABELS);
    const prediction = tiff('short.tif', new Uint8Array(WIDTH * HEIGHT), 1);
    const error = await rejection(evaluateFiles(prediction, labels));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.files).toEqual([prediction, labels]);
    expect(error.message).toContain(`The prediction ${prediction} is 7 × 3 × 1 (uint8) but the labels ${labels} are 7 × 3 × 2 (uint8)`);
  });

  it('refuses labels that are not 0/255, with a specific hint for 0/1 masks', async () => {
    const prediction = tiff('prediction.tif', LABELS.map((v) => 255 - v));
    const zeroOne = tiff('zero-one.tif', LABELS.map((v) => (v ? 1 : 0)));
    const error = await rejection(evaluateFiles(prediction, zeroOne));
    expect(error.code).toBe('NOT_BINARY');
    expect(error.message).toContain(`The labels ${zeroOne} are not binary: besides 0 (membrane) and 255 (cell), 36 voxels hold 1.`);
    expect(error.hint).toMatch(/multiply it by 255/);
    const grey = tiff('grey.tif', LABELS.map((v, i) => (i === 5 ? 128 : i === 6 ? 3 : v)));
    const greyError = await rejection(evaluateFiles(prediction, grey));
    expect(greyError.message).toContain('2 voxels hold 3, 128');
    expect(greyError.hint).toMatch(/Make Binary/);
  });

  it('refuses float predictions outside 0-1, telling 8-bit-as-float maps from logits', async () => {
    const labels = tiff('labels.tif', LABELS);
    const scaled = tiff('scaled.tif', Float32Array.from(LABELS, (v) => 255 - v));
    const error = await rejection(evaluateFiles(scaled, labels));
    expect(error.code).toBe('OUT_OF_RANGE');
    expect(error.message).toContain(`The prediction ${scaled} is 32-bit float with values from 0 to 255`);
    expect(error.hint).toMatch(/divide it by 255/);
    const logits = tiff('logits.tif', Float32Array.from(LABELS, (v) => (v ? -4 : 4)));
    expect((await rejection(evaluateFiles(logits, labels))).hint).toMatch(/not logits/);
  });

  it('warns when the prediction or the labels look inverted', async () => {
    const labels = tiff('labels.tif', LABELS);
    // An ISBI-style submission (255 = cell) given as a Membrana prediction.
    const inverted = await evaluateFiles(tiff('inverted.tif', LABELS), labels);
    expect(inverted.warnings).toHaveLength(1);
    expect(inverted.warnings[0]).toMatch(/inverted\.tif looks inverted: it averages 1\.00 on the labels' cell pixels but 0\.00 on their membranes/);
    // Labels with more membrane than cell: probably 255 = membrane.
    const flipped = LABELS.map((v) => 255 - v);
    const result = await evaluateFiles(tiff('p.tif', LABELS), tiff('flipped.tif', flipped));
    expect(result.warnings.some((w) => /Only 14% of the labels .*flipped\.tif are cell/.test(w))).toBe(true);
  });

  it('passes on read errors naming the missing file', async () => {
    const missing = path.join(tmp, 'missing.tif');
    await expect(evaluateFiles(missing, tiff('labels.tif', LABELS))).rejects.toThrow(VolumeReadError);
    await expect(evaluateFiles(missing, tiff('labels.tif', LABELS))).rejects.toThrow(missing);
  });
});
