import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTiff } from '../io/readTiff.js';
import { segmentVolume } from '../segment/segmentVolume.js';
import { blockFragments, overlapBox, type VoxelBox } from './blockFragments.js';
import { marchingCubes } from './marchingCubes.js';
import type { Mesh, VoxelSizeNm } from './Mesh.js';
import { isClosed, isManifold, signedVolume } from './meshChecks.js';
import { neuronBounds } from './neuronBounds.js';
import { neuronMask } from './neuronMask.js';
import { ballsAndTubes } from './testing/ballsAndTubes.js';
import { labelVolume, type LabelVolume } from './testing/labelVolume.js';
import { weldFragments } from './weldFragments.js';

const ISBI: VoxelSizeNm = { x: 4, y: 4, z: 50 };

/** Every block's fragments of a volume cut into blocks of `block` [x, y, z], welded per neuron. */
function weldedByBlocks(volume: LabelVolume, block: [number, number, number]): Map<number, Mesh> {
  const { ids, width, height, depth } = volume;
  const pieces = new Map<number, Mesh[]>();
  for (let z0 = 0; z0 < depth; z0 += block[2]) {
    for (let y0 = 0; y0 < height; y0 += block[1]) {
      for (let x0 = 0; x0 < width; x0 += block[0]) {
        const cut: VoxelBox = { x: [x0, Math.min(width, x0 + block[0])], y: [y0, Math.min(height, y0 + block[1])], z: [z0, Math.min(depth, z0 + block[2])] };
        const box = overlapBox(cut, [depth, height, width]);
        const w = box.x[1] - box.x[0], h = box.y[1] - box.y[0];
        const part = new Uint32Array(w * h * (box.z[1] - box.z[0]));
        for (let z = box.z[0]; z < box.z[1]; z++) for (let y = box.y[0]; y < box.y[1]; y++) for (let x = box.x[0]; x < box.x[1]; x++) part[((z - box.z[0]) * h + y - box.y[0]) * w + x - box.x[0]] = ids[(z * height + y) * width + x]!;
        for (const [id, mesh] of blockFragments({ ids: part, box }, cut, ISBI)) pieces.set(id, [...(pieces.get(id) ?? []), mesh]);
      }
    }
  }
  return new Map([...pieces].map(([id, fragments]) => [id, weldFragments(fragments)]));
}

/** Triangles as sorted position triples, for comparing meshes whatever their vertex order. */
function triangleKeys(mesh: Mesh): string[] {
  const keys: string[] = [];
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const corners = [0, 1, 2].map((k) => Array.from(mesh.positions.subarray(mesh.indices[t + k]! * 3, mesh.indices[t + k]! * 3 + 3)).join(','));
    const first = corners.indexOf([...corners].sort()[0]!);
    keys.push([0, 1, 2].map((k) => corners[(first + k) % 3]).join(';')); // rotate, keep orientation
  }
  return keys.sort();
}

function expectSameAsWhole(volume: LabelVolume, block: [number, number, number], compareTriangles = true): number {
  const welded = weldedByBlocks(volume, block);
  const bounds = neuronBounds(volume.ids, volume.width, volume.height, volume.depth);
  expect([...welded.keys()].sort((a, b) => a - b)).toEqual([...bounds.keys()].sort((a, b) => a - b));
  for (const [id, mesh] of welded) {
    const whole = marchingCubes(neuronMask(volume.ids, volume.width, volume.height, id, bounds.get(id)!), ISBI);
    expect(mesh.indices.length, `neuron ${id}`).toBe(whole.indices.length);
    expect(mesh.positions.length, `neuron ${id}`).toBe(whole.positions.length);
    expect(isClosed(mesh) && isManifold(mesh), `neuron ${id}`).toBe(true);
    expect(Math.abs(signedVolume(mesh) / signedVolume(whole) - 1)).toBeLessThan(1e-9);
    // The same triangles, corner for corner (slow: strings), where the volume is small.
    if (compareTriangles) expect(triangleKeys(mesh)).toEqual(triangleKeys(whole));
  }
  return welded.size;
}

describe('blockFragments + weldFragments', () => {
  it('give exactly the whole-volume surface of balls and tubes crossing block borders', () => {
    const volume = ballsAndTubes();
    expect(expectSameAsWhole(volume, [16, 16, 4])).toBe(5);
    // Blocks that do not divide the volume, and blocks one voxel thick.
    expectSameAsWhole(volume, [7, 11, 5]);
    expectSameAsWhole(volume, [40, 36, 1]);
    expectSameAsWhole(volume, [1, 36, 14]);
  });

  it('give exactly the whole-volume surface of real neurons (ISBI 2012 labels, segmented, 96 × 96 × 12)', () => {
    const labels = readTiff(new Uint8Array(readFileSync(new URL('../../../shared/data/isbi2012/train-labels.tif', import.meta.url))), 'train-labels.tif');
    const [size, depth] = [96, 12];
    const probability = new Uint8Array(size * size * depth);
    for (let z = 0; z < depth; z++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) probability[(z * size + y) * size + x] = 255 - labels.data[(z * 512 + y + 200) * 512 + x + 200]!;
    const { ids, count } = segmentVolume(probability, size, size, depth, { voxelSize: { ...ISBI, unit: 'nm' } });
    expect(count).toBeGreaterThan(10);
    expect(expectSameAsWhole({ ids, width: size, height: size, depth }, [32, 32, 4], false)).toBe(count);
  }, 30_000);

  it('leaves out neurons whose cubes in the block are all inside, and refuses labels that miss the overlap', () => {
    const full = labelVolume(6, 6, 6, () => 9);
    const core: VoxelBox = { x: [2, 4], y: [2, 4], z: [2, 4] };
    const box = overlapBox(core, [6, 6, 6]);
    const part = new Uint32Array(27).fill(9);
    expect(blockFragments({ ids: part, box }, core, ISBI).size).toBe(0);
    expect(full.ids.length).toBe(216);
    expect(() => blockFragments({ ids: new Uint32Array(8), box: core }, { x: [2, 5], y: [2, 4], z: [2, 4] }, ISBI)).toThrow(/plus at most one voxel past its far end along x: the block is \[2, 5\), the labels \[2, 4\)/);
  });

  it('welds vertices only at bit-identical positions', () => {
    const a: Mesh = { positions: Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0), indices: Uint32Array.of(0, 1, 2) };
    const b: Mesh = { positions: Float32Array.of(1, 0, 0, -0, 1, 0, 1, 1, 1e-7), indices: Uint32Array.of(0, 2, 1) };
    const welded = weldFragments([a, b]);
    expect(welded.positions.length).toBe(4 * 3);
    expect([...welded.indices]).toEqual([0, 1, 2, 1, 3, 2]);
  });
});
