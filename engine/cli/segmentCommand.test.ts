import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readTiff } from '../io/readTiff.js';
import { writeTiff } from '../io/writeTiff.js';
import * as zarr from 'zarrita';
import { openOmeLevelZero } from '../blocks/openOmeLevelZero.js';
import { writeProbabilityStore } from '../blocks/testing/isbiProbabilityStore.js';
import { volumeSegmentationScores } from '../segment/segmentationScores.js';
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
    // The summary: the largest neuron's share of the volume, and V_rand's split and merge parts.
    let largest = 0;
    const voxels = new Map<number, number>();
    for (const id of written.data as Uint32Array) if (id !== 0) voxels.set(id, (voxels.get(id) ?? 0) + 1);
    for (const count of voxels.values()) largest = Math.max(largest, count);
    expect((result as unknown as { largest_share: number }).largest_share).toBeCloseTo(largest / (width * height * depth), 4);
    expect(errors.find((line) => line.startsWith('Largest neuron: '))).toContain(`${((100 * largest) / (width * height * depth)).toFixed(1)} % of the volume`);
    const part = '[\\d.]+ \\(split [\\d.]+, merge [\\d.]+\\)';
    expect(errors.find((line) => line.startsWith('2D V_rand'))).toMatch(new RegExp(`^2D V_rand ${part}, V_info ${part}; 3D V_rand ${part}, V_info ${part}$`));
    expect(result.scores).toMatchObject({ reference_3d: 'label ids' });
    expect(result.scores.v_info_merge_3d).toBeGreaterThan(0.95);
    // Neurons in one slice only: none here, each synthetic neuron crosses every slice.
    expect((result as unknown as { one_slice_neurons: number }).one_slice_neurons).toBe(0);
    expect(errors).toContain(`0 of ${synthetic.count} neurons lie in one slice only (a neuron cut between slices leaves such pieces; so do cells that end there).`);
  });

  it('says there is no split or merge score without labels, and links by overlap when asked', async () => {
    const { lines, errors } = capture();
    await segmentCommand([prediction, '-o', path.join(dir, 'segments-plain.tif')]);
    const plain = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(plain).toMatchObject({ link_by: 'interior', scores: null, neurons_over_1_percent: synthetic.count, one_slice_neurons: 0 });
    expect(errors).toContain('No split or merge score without ground truth: give --labels to get one.');
    // Every synthetic neuron holds over 10 % of this small volume: the summary says what that may mean.
    expect(errors.find((line) => line.startsWith('Largest neuron: '))).toMatch(/neurons hold 1 % or more each\. A neuron that large is often several merged/);
    await segmentCommand([prediction, '-o', path.join(dir, 'segments-overlap.tif'), '--link-by', 'overlap']);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ link_by: 'overlap', count: synthetic.count });
    await segmentCommand([prediction, '-o', path.join(dir, 'segments-interior.tif'), '--link-interior', '0.1']);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ link_by: 'interior', count: synthetic.count });
    await expect(segmentCommand([prediction, '-o', path.join(dir, 'x.tif'), '--link-by', 'distance'])).rejects.toThrow(/--link-by takes interior or overlap, not "distance"/);
    await expect(segmentCommand([prediction, '-o', path.join(dir, 'x.tif'), '--link-interior', '2'])).rejects.toThrow(/--link-interior takes a membrane probability from 0 to 1, not "2"/);
    await expect(segmentCommand([prediction, '-o', path.join(dir, 'x.tif'), '--link-by', 'overlap', '--link-interior', '0.3'])).rejects.toThrow(/--link-interior applies to --link-by interior/);
  });

  it("scores ISBI labels in 2D and in 3D against their cells linked across slices, and takes the options", async () => {
    const { lines, errors } = capture();
    const output = path.join(dir, 'segments-2d.tif');
    await segmentCommand([prediction, '-o', output, '--labels', labels, '--voxel-size', '4,4,50', '--seed-threshold', '0.3', '--link-threshold', '0.6', '--min-area', '500']);
    const result = JSON.parse(lines.at(-1)!) as { scores: Record<string, number | string> };
    expect(result.scores.v_rand_2d).toBeGreaterThan(0.95);
    expect(result.scores.reference_3d).toBe('linked labels');
    expect(result.scores.v_rand_merge_3d).toBeGreaterThan(0.95);
    expect(result.scores.v_rand_split_3d).toBeGreaterThan(0.95);
    expect(errors.find((line) => line.startsWith('2D V_rand'))).toMatch(/; 3D V_rand .* against the labels' cells linked across slices$/);
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
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('segments an OME-Zarr block by block, in shares that resume each other, into the same ids as one job', async () => {
    const store = path.join(dir, 'prob.ome.zarr');
    await writeProbabilityStore(store, synthetic.probability, [depth, height, width]);
    const blockArgs = ['--block', '4,48,48', '--halo', '16'];
    const run = async (argv: string[]): Promise<Record<string, unknown>> => {
      const { lines } = capture();
      await segmentCommand(argv);
      vi.restoreAllMocks();
      return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    };
    const single = path.join(dir, 'single.ome.zarr');
    expect(await run([store, '-o', single, ...blockArgs])).toMatchObject({ complete: true, neurons: synthetic.count, blocks: { done: 8, skipped: 0 } });
    const shared = path.join(dir, 'shared.ome.zarr');
    // Share 0 first: its blocks, then it waits for share 1's.
    expect(await run([store, '-o', shared, ...blockArgs, '--blocks', '0/2'])).toMatchObject({ complete: false, waiting_for: 'blocks' });
    expect(await run([store, '-o', shared, ...blockArgs, '--blocks', '1/2'])).toMatchObject({ complete: false, waiting_for: 'faces' });
    expect(await run([store, '-o', shared, ...blockArgs, '--blocks', '0/2'])).toMatchObject({ complete: false, neurons: synthetic.count, relabel: { done: 4 } });
    expect(await run([store, '-o', shared, ...blockArgs, '--blocks', '1/2', '--step', 'relabel'])).toMatchObject({ complete: true, relabel: { done: 4, skipped: 0 } });
    const read = async (folder: string): Promise<Uint32Array> => (await zarr.get((await openOmeLevelZero(folder)).array)).data as Uint32Array;
    const ids = await read(shared);
    expect(Buffer.from(ids.buffer).equals(Buffer.from((await read(single)).buffer))).toBe(true);
    expect(volumeSegmentationScores(ids, synthetic.truth).vRand).toBeGreaterThan(0.95);
  });

  it('refuses block options on a TIFF and TIFF options on an OME-Zarr', async () => {
    capture();
    const store = path.join(dir, 'prob.ome.zarr');
    await expect(segmentCommand([prediction, '-o', path.join(dir, 'x.tif'), '--blocks', '0/2'])).rejects.toThrow(/--blocks needs an OME-Zarr input/);
    await expect(segmentCommand([store, '-o', path.join(dir, 'x.ome.zarr'), '--labels', labels])).rejects.toThrow(/--labels scores a TIFF/);
    await expect(segmentCommand([store, '-o', path.join(dir, 'x.ome.zarr'), '--step', 'mesh'])).rejects.toThrow(/--step takes one of blocks, faces, merge, relabel, pyramid, all/);
    await expect(segmentCommand([store, '-o', path.join(dir, 'x.ome.zarr'), '--blocks', '3/2'])).rejects.toThrow(/--blocks must be i\/N/);
    await expect(segmentCommand([store, '-o', path.join(dir, 'x.ome.zarr'), '--block', '4,48'])).rejects.toThrow(/--block takes three whole sizes/);
    await expect(segmentCommand([path.join(dir, 'nowhere.ome.zarr'), '-o', path.join(dir, 'x.ome.zarr')])).rejects.toThrow(/No OME-Zarr at .*nowhere\.ome\.zarr: check the path/);
  });
});
