import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { volumeSegmentationScores } from '../segment/segmentationScores.js';
import { segmentVolume } from '../segment/segmentVolume.js';
import { ngffProblems } from '../zarr/ngffSchema.js';
import { openOmeZarr } from '../zarr/omeZarr.js';
import { fullRegion, readRegion } from '../zarr/readRegion.js';
import { blockFaces } from './blockFaces.js';
import { openOmeLevelZero } from './openOmeLevelZero.js';
import { segmentOmeZarr, type SegmentOmeZarrOptions } from './segmentOmeZarr.js';
import { isbiProbability, writeProbabilityStore } from './testing/isbiProbabilityStore.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-segment-blocks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ISBI = { x: 4, y: 4, z: 50, unit: 'nm' };

/** Small blocks, so that a 256² × 8 crop has 2 × 2 × 2 blocks and every kind of face. */
const small = { block: [4, 128, 128] as [number, number, number], halo: 32 };
let input: string;

async function ids(store: string): Promise<Uint32Array> {
  return (await zarr.get((await openOmeLevelZero(store)).array)).data as Uint32Array;
}

/** Every chunk file of level 0, by path: byte-identical stores have equal maps. */
function chunkFiles(store: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else files.set(path.relative(store, file), readFileSync(file).toString('base64'));
    }
  };
  walk(path.join(store, '0'));
  return files;
}

function run(name: string, extra: Partial<SegmentOmeZarrOptions> = {}): ReturnType<typeof segmentOmeZarr> {
  return segmentOmeZarr({ input, output: path.join(tmp, name), ...small, ...extra });
}

let reference: Map<string, string>;

beforeAll(async () => {
  input = path.join(tmp, 'prob.ome.zarr');
  await writeProbabilityStore(input, isbiProbability(256, 8, 48), [8, 256, 256]);
  const result = await run('whole.ome.zarr');
  expect(result.complete).toBe(true);
  reference = chunkFiles(path.join(tmp, 'whole.ome.zarr'));
}, 60_000);

describe('block-wise segmentation of an OME-Zarr probability', () => {
  it('agrees with whole-volume segmentVolume on ISBI 2012 (384² × 8 in 128² × 4 blocks) and cuts no more at block borders', async () => {
    const [depth, size] = [8, 384];
    const probability = isbiProbability(size, depth, 48);
    const store = path.join(tmp, 'agreement-prob.ome.zarr');
    await writeProbabilityStore(store, probability, [depth, size, size]);
    const output = path.join(tmp, 'agreement.ome.zarr');
    const result = await segmentOmeZarr({ input: store, output, ...small });
    const blockwise = await ids(output);
    const whole = segmentVolume(probability, size, size, depth, { voxelSize: ISBI });
    const scores = volumeSegmentationScores(blockwise, whole.ids);
    // Pairs of neighbouring voxels that the whole-volume run puts in one neuron: how many does
    // the block-wise run give two ids, across a block border and elsewhere?
    const plane = size * size;
    const cuts = { border: 0, borderPairs: 0, inside: 0, insidePairs: 0 };
    for (let z = 0; z < depth; z++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const i = z * plane + y * size + x;
          const neighbours: [number, boolean][] = [];
          if (x + 1 < size) neighbours.push([i + 1, (x + 1) % 128 === 0]);
          if (y + 1 < size) neighbours.push([i + size, (y + 1) % 128 === 0]);
          if (z + 1 < depth) neighbours.push([i + plane, (z + 1) % 4 === 0]);
          for (const [j, border] of neighbours) {
            if (whole.ids[i] === 0 || whole.ids[i] !== whole.ids[j]) continue;
            const cut = blockwise[i] !== blockwise[j] && blockwise[i] !== 0 && blockwise[j] !== 0;
            if (border) {
              cuts.borderPairs++;
              cuts.border += Number(cut);
            } else {
              cuts.insidePairs++;
              cuts.inside += Number(cut);
            }
          }
        }
      }
    }
    const borderRate = cuts.border / cuts.borderPairs, insideRate = cuts.inside / cuts.insidePairs;
    console.log(
      `block-wise vs whole: ${result.merge?.neurons} vs ${whole.count} neurons, 3D V_rand ${scores.vRand.toFixed(4)} (split ${scores.vRandSplit.toFixed(4)}, merge ${scores.vRandMerge.toFixed(4)}), V_info ${scores.vInfo.toFixed(4)}; ` +
        `neuron cut between neighbours: at block borders ${cuts.border} of ${cuts.borderPairs}, elsewhere ${cuts.inside} of ${cuts.insidePairs}`,
    );
    // Measured: V_rand 0.999+ (halo 32; halo 16 gave 0.995 on the noise-free crop).
    expect(scores.vRand).toBeGreaterThanOrEqual(0.99);
    expect(scores.vInfo).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(result.merge!.neurons - whole.count)).toBeLessThanOrEqual(whole.count * 0.02);
    expect(borderRate).toBeLessThanOrEqual(2 * insideRate + 2e-4);

    // A standalone NGFF 0.4 label image of uint32 ids, with the probability's scale.
    const attributes = JSON.parse(readFileSync(path.join(output, '.zattrs'), 'utf8')) as unknown;
    expect(ngffProblems(attributes, '0.4')).toEqual([]);
    const image = await openOmeZarr(output);
    expect([image.kind, image.dtype, image.levels[0]!.shape]).toEqual(['label', 'uint32', [depth, size, size]]);
    expect(image.voxelSize).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
  }, 60_000);

  it('resumes after a cancel, and after a kill between a block written and marked, with the bytes of an uninterrupted run', async () => {
    const controller = new AbortController();
    await expect(run('resumed.ome.zarr', { signal: controller.signal, onProgress: (p) => p.stage.startsWith('Segmenting blocks, 3 of') && controller.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    const second = await run('resumed.ome.zarr', { step: 'blocks' });
    expect(second.blocks).toMatchObject({ skipped: [0, 1, 2], done: [3, 4, 5, 6, 7] });
    // A kill in the relabel pass after block 5's chunks were written but before its marker.
    await run('resumed.ome.zarr', { step: 'faces' });
    await run('resumed.ome.zarr', { step: 'merge' });
    const relabel = await run('resumed.ome.zarr', { step: 'relabel' });
    unlinkSync(path.join(tmp, 'resumed.ome.zarr', '.membrana-segment', 'relabel', '.membrana-blocks', '5.done'));
    expect(relabel.complete).toBe(true);
    const last = await run('resumed.ome.zarr');
    expect(last.relabel).toMatchObject({ done: [5], skipped: [0, 1, 2, 3, 4, 6, 7] });
    expect(last.blocks?.done).toEqual([]);
    expect(last.merge?.merged).toBe(false);
    expect(chunkFiles(path.join(tmp, 'resumed.ome.zarr'))).toEqual(reference);
  }, 60_000);

  it('gives the same bytes from shares i/N, step by step, as from one job', async () => {
    const shares = 3;
    const notes: string[] = [];
    const first = await run('shared.ome.zarr', { share: 0, shares, onNote: (note) => notes.push(note) });
    expect(first).toMatchObject({ complete: false, waitingFor: 'blocks' });
    expect(notes.some((note) => note.includes('other shares'))).toBe(true);
    await Promise.all([1, 2].map((share) => run('shared.ome.zarr', { share, shares, step: 'blocks' })));
    const faces = await Promise.all([0, 1, 2].map((share) => run('shared.ome.zarr', { share, shares, step: 'faces' })));
    expect(faces.reduce((sum, r) => sum + r.faces!.done.length, 0)).toBe(blockFaces(first.grid).length);
    await run('shared.ome.zarr', { step: 'merge' });
    await Promise.all([0, 1, 2].map((share) => run('shared.ome.zarr', { share, shares, step: 'relabel' })));
    expect(chunkFiles(path.join(tmp, 'shared.ome.zarr'))).toEqual(reference);
  }, 60_000);

  it('refuses bad inputs with errors that name the path and what to do', async () => {
    const wide = path.join(tmp, 'uint16.ome.zarr');
    await writeProbabilityStore(wide, new Uint16Array(2 * 32 * 32), [2, 32, 32], 'uint16');
    await expect(segmentOmeZarr({ input: wide, output: path.join(tmp, 'x.ome.zarr') })).rejects.toThrow(new RegExp(`${wide}/0 holds uint16 voxels, not a uint8 membrane probability.*membrana predict`));
    const missing = path.join(tmp, 'missing.ome.zarr');
    await expect(segmentOmeZarr({ input: missing, output: path.join(tmp, 'x.ome.zarr') })).rejects.toThrow(new RegExp(`No OME-Zarr at ${missing}: check the path`));
    // An output started from another probability (another shape).
    const other = path.join(tmp, 'other-prob.ome.zarr');
    await writeProbabilityStore(other, new Uint8Array(4 * 64 * 64), [4, 64, 64]);
    await expect(segmentOmeZarr({ input: other, output: path.join(tmp, 'whole.ome.zarr'), ...small })).rejects.toThrow(/whole\.ome\.zarr was started for a volume of shape \[8, 256, 256\], but this input is \[4, 64, 64\].*delete/);
    await expect(run('whole.ome.zarr', { halo: 16 })).rejects.toThrow(/was started with other settings.*delete/);
    // Later steps before the earlier ones.
    await expect(run('early.ome.zarr', { step: 'faces' })).rejects.toThrow(/are not segmented yet.*--step blocks/);
    await expect(run('early.ome.zarr', { step: 'relabel' })).rejects.toThrow(/not merged yet.*--step merge/);
    await expect(run('early.ome.zarr', { step: 'merge' })).rejects.toThrow(/8 of 8 blocks .* not segmented yet/);
    expect(await ids(path.join(tmp, 'whole.ome.zarr'))).toHaveLength(8 * 256 * 256);
  }, 30_000);

  it('builds coarser levels (2×2 modes) once every block is relabelled, for viewers zoomed out', async () => {
    // 2 × 600 × 1100: levels 1100 → 550 → 275 wide.
    const [depth, height, width] = [2, 600, 1100];
    const probability = Uint8Array.from({ length: depth * height * width }, (_, i) => ((i % width) % 100 < 4 || (Math.floor(i / width) % height) % 100 < 4 ? 255 : 0));
    const store = path.join(tmp, 'wide-prob.ome.zarr');
    await writeProbabilityStore(store, probability, [depth, height, width]);
    const output = path.join(tmp, 'wide.ome.zarr');
    const relabelOnly = await segmentOmeZarr({ input: store, output, block: [2, 512, 512], halo: 32, step: 'blocks' });
    expect(relabelOnly.pyramidBuilt).toBe(false);
    await expect(segmentOmeZarr({ input: store, output, block: [2, 512, 512], halo: 32, step: 'pyramid' })).rejects.toThrow(/not every block .* relabelled.*--step relabel/i);
    const result = await segmentOmeZarr({ input: store, output, block: [2, 512, 512], halo: 32 });
    expect(result).toMatchObject({ complete: true, pyramidBuilt: true, pyramid: { levels: 3 } });
    const image = await openOmeZarr(output);
    expect(image.levels.map((level) => level.shape)).toEqual([[2, 600, 1100], [2, 300, 550], [2, 150, 275]]);
    expect(ngffProblems(JSON.parse(readFileSync(path.join(output, '.zattrs'), 'utf8')), '0.4')).toEqual([]);
    const fine = (await readRegion(image.levels[0]!, fullRegion(image.levels[0]!))) as Uint32Array;
    const coarse = (await readRegion(image.levels[1]!, fullRegion(image.levels[1]!))) as Uint32Array;
    // Every coarse id is one of its 2×2 block's ids (a mode, not a mean of ids).
    for (let i = 0; i < coarse.length; i += 997) {
      const z = Math.floor(i / (300 * 550)), y = Math.floor(i / 550) % 300, x = i % 550;
      const block = [0, 1].flatMap((dy) => [0, 1].map((dx) => fine[(z * 600 + 2 * y + dy) * 1100 + 2 * x + dx]));
      expect(block).toContain(coarse[i]);
    }
    // Built once: a rerun leaves it.
    expect((await segmentOmeZarr({ input: store, output, block: [2, 512, 512], halo: 32 })).pyramidBuilt).toBe(true);
  }, 60_000);
});
