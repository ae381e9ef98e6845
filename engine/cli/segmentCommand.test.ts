import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readTiff } from '../io/readTiff.js';
import { writeTiff } from '../io/writeTiff.js';
import { syntheticNeurons } from '../segment/testing/syntheticNeurons.js';
import { UsageError } from './CliError.js';
import { segmentCommand } from './segmentCommand.js';

describe('membrana segment', () => {
  const synthetic = syntheticNeurons();
  const { width, height, depth } = synthetic;
  let dir: string;
  let prediction: string;
  let labels: string;
  let ids: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'membrana-segment-'));
    prediction = path.join(dir, 'prob.tif');
    labels = path.join(dir, 'labels.tif');
    ids = path.join(dir, 'truth-ids.tif');
    // No voxel size in the file: the command assumes ISBI's 4 × 4 × 50 nm and says so.
    writeFileSync(prediction, writeTiff({ width, height, depth, dtype: 'uint8', data: synthetic.probability }));
    writeFileSync(labels, writeTiff({ width, height, depth, dtype: 'uint8', data: Uint8Array.from(synthetic.truth, (id) => (id > 0 ? 255 : 0)) }));
    writeFileSync(ids, writeTiff({ width, height, depth, dtype: 'uint32', data: synthetic.truth }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  function capture(): { lines: string[]; errors: string[] } {
    const lines: string[] = [];
    const errors: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    return { lines, errors };
  }

  it('writes uint32 neuron ids and one JSON line with the scores', async () => {
    const { lines, errors } = capture();
    const output = path.join(dir, 'segments.tif');
    await segmentCommand([prediction, '-o', output, '--labels', ids]);
    const written = readTiff(readFileSync(output), output);
    expect([written.dtype, written.width, written.height, written.depth]).toEqual(['uint32', width, height, depth]);
    expect(written.voxelSize).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
    const result = JSON.parse(lines.at(-1)!) as { count: number; scores: Record<string, number> };
    expect(result.count).toBe(synthetic.count);
    expect(new Set(written.data).size).toBe(synthetic.count + 1);
    expect(result.scores.v_rand_2d).toBeGreaterThan(0.95);
    expect(result.scores.v_rand_3d).toBeGreaterThan(0.95);
    expect(errors.some((line) => line.includes('assuming 4 × 4 × 50 nm'))).toBe(true);
  });

  it('scores 2D only against ISBI labels, and takes the options', async () => {
    const { lines, errors } = capture();
    const output = path.join(dir, 'segments-2d.tif');
    await segmentCommand([prediction, '-o', output, '--labels', labels, '--voxel-size', '4,4,50', '--seed-threshold', '0.3', '--link-threshold', '0.6', '--min-area', '500']);
    const result = JSON.parse(lines.at(-1)!) as { scores: Record<string, number> };
    expect(result.scores.v_rand_2d).toBeGreaterThan(0.95);
    expect(result.scores.v_rand_3d).toBeUndefined();
    expect(errors.some((line) => line.includes('assuming'))).toBe(false);
  });

  it('refuses bad calls as usage errors, and leaves no output when labels do not fit', async () => {
    capture();
    const output = path.join(dir, 'never.tif');
    await expect(segmentCommand([prediction])).rejects.toThrow(UsageError);
    await expect(segmentCommand([prediction, '-o', output, '--voxel-size', '4,4'])).rejects.toThrow(/--voxel-size takes three positive sizes/);
    await expect(segmentCommand([prediction, '-o', output, '--seed-threshold', '77'])).rejects.toThrow(/--seed-threshold takes a membrane probability from 0 to 1, not "77"/);
    await expect(segmentCommand([prediction, '-o', prediction])).rejects.toThrow(/would overwrite the input/);
    const small = path.join(dir, 'small-labels.tif');
    writeFileSync(small, writeTiff({ width: 4, height: 4, depth: 1, dtype: 'uint8', data: new Uint8Array(16) }));
    await expect(segmentCommand([prediction, '-o', output, '--labels', small])).rejects.toThrow(/are 4 × 4 × 1, but the prediction is 96 × 96 × 8/);
    await expect(segmentCommand([ids, '-o', output])).rejects.toThrow(/32-bit integers \(neuron ids\?\), not a membrane probability/);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
  });
});
