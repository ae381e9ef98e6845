import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAppRoot } from '../base/appRoot.js';
import { readVolume } from '../io/readVolume.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { openPredictor } from '../predict/openPredictor.js';
import { predictVolume } from '../predict/predictVolume.js';
import type { Predictor } from '../predict/Predictor.js';
import { distanceTransform } from '../segment/distanceTransform.js';
import { segmentVolume } from '../segment/segmentVolume.js';
import { segmentBox, splitAlongLineOp, splitBySeedsOp, type SegmentOp } from './segmentOps.js';

// The built-in sample (slices 4–9 of the 384 × 384 crop), predicted by the shipped model and
// segmented as the app does. Two neighbouring neurons that the segmentation separated by a line
// on a membrane are merged the way a real merge error looks (one id, no line between them),
// then split again with one seed in each: the new boundary must lie on the membrane.
const SLICES = [4, 10] as const;
const VOXEL = { x: 4, y: 4, z: 50 };
const MEMBRANE = 128;
let width: number;
let height: number;
let depth: number;
let probability: Uint8Array;
let ids: Uint32Array;
let predictor: Predictor | null = null;

beforeAll(async () => {
  const sample = await readVolume(path.join(findAppRoot(), 'assets', 'sample', 'isbi2012-test-crop.tif'));
  ({ width, height } = sample);
  depth = SLICES[1] - SLICES[0];
  const plane = width * height;
  predictor = await openPredictor(shippedModelDir(), { threads: 2 });
  probability = await predictVolume({ width, height, depth, data: sample.data.subarray(SLICES[0] * plane, SLICES[1] * plane) }, predictor);
  ids = segmentVolume(probability, width, height, depth, { voxelSize: { ...VOXEL, unit: 'nm' } }).ids;
}, 180_000);

afterAll(async () => {
  await predictor?.dispose();
});

/**
 * Pairs of neurons with the longest lines between them in slice z (longest first), each at least
 * `minArea` pixels there and under a tenth of the volume (not one of the segmentation's own
 * merges of many cells).
 */
function neighbours(z: number, minArea: number, pairs: number): [number, number][] {
  const plane = width * height;
  const base = z * plane;
  const voxels = new Map<number, number>();
  for (const id of ids) voxels.set(id, (voxels.get(id) ?? 0) + 1);
  const area = new Map<number, number>();
  for (let p = 0; p < plane; p++) area.set(ids[base + p]!, (area.get(ids[base + p]!) ?? 0) + 1);
  for (const [id, count] of voxels) if (count > ids.length / 10) area.set(id, 0);
  const lines = new Map<string, number>();
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = base + y * width + x;
      if (ids[p] !== 0) continue;
      for (const [a, b] of [[ids[p - 1]!, ids[p + 1]!], [ids[p - width]!, ids[p + width]!]] as const) {
        if (a === 0 || b === 0 || a === b || area.get(a)! < minArea || area.get(b)! < minArea) continue;
        const key = `${Math.min(a, b)},${Math.max(a, b)}`;
        lines.set(key, (lines.get(key) ?? 0) + 1);
      }
    }
  }
  return [...lines]
    .sort((p, q) => q[1] - p[1])
    .slice(0, pairs)
    .map(([key]) => key.split(',').map(Number) as [number, number]);
}

/** A merge error: b becomes a, and so do the line pixels between them (0 with both within one pixel). */
function merged(a: number, b: number): Uint32Array {
  const out = ids.slice();
  for (let i = 0; i < out.length; i++) if (out[i] === b) out[i] = a;
  const plane = width * height;
  for (let z = 0; z < depth; z++) {
    for (let y = 1; y < height - 1; y++) {
      for (let x = 1; x < width - 1; x++) {
        const i = z * plane + y * width + x;
        if (ids[i] !== 0) continue;
        let nearA = false;
        let nearB = false;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const v = ids[i + dy * width + dx];
            nearA ||= v === a;
            nearB ||= v === b;
          }
        }
        if (nearA && nearB) out[i] = a;
      }
    }
  }
  return out;
}

/** The pixel of `id` in slice z farthest from anything else (the middle of the cell). */
function middle(volume: Uint32Array, z: number, id: number): { x: number; y: number; z: number } {
  const plane = width * height;
  const inside = Uint8Array.from(volume.subarray(z * plane, (z + 1) * plane), (v) => (v === id ? 1 : 0));
  const distance = distanceTransform(inside, width, height, { spacing: VOXEL });
  let best = -1;
  let bestDistance = -1;
  for (let p = 0; p < plane; p++) {
    const x = p % width;
    const y = Math.floor(p / width);
    // The image edge counts as boundary too.
    const d = Math.min(distance[p]!, (x + 1) * VOXEL.x, (width - x) * VOXEL.x, (y + 1) * VOXEL.y, (height - y) * VOXEL.y);
    if (inside[p] && d > bestDistance) {
      best = p;
      bestDistance = d;
    }
  }
  return { x: best % width, y: Math.floor(best / width), z };
}

function apply(volume: Uint32Array, op: SegmentOp): Uint32Array {
  const out = volume.slice();
  op.indices.forEach((i, k) => (out[i] = op.after[k]!));
  return out;
}

/** Share of the split's new boundary pixels (set to 0) whose membrane probability is at least MEMBRANE. */
function onMembrane(op: SegmentOp, relief: Uint8Array): { share: number; pixels: number } {
  let pixels = 0;
  let on = 0;
  op.indices.forEach((i, k) => {
    if (op.after[k] !== 0) return;
    pixels++;
    if (relief[i]! >= MEMBRANE) on++;
  });
  return { share: on / pixels, pixels };
}

function split(volume: Uint32Array, id: number, seeds: { x: number; y: number; z: number }[], relief: Uint8Array): SegmentOp {
  const box = segmentBox(volume, width, height, id)!;
  const plane = width * height;
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const cropped = new Uint8Array(bw * bh * (box.z1 - box.z0));
  for (let z = box.z0; z < box.z1; z++) {
    for (let y = 0; y < bh; y++) cropped.set(relief.subarray(z * plane + (box.y0 + y) * width + box.x0, z * plane + (box.y0 + y) * width + box.x1), ((z - box.z0) * bh + y) * bw);
  }
  return splitBySeedsOp(volume, width, height, box, cropped, VOXEL, id, seeds, [1_000_000]);
}

describe('splits on the sample', () => {
  it('a seeded split between two merged neurons follows the membrane between them', () => {
    const z = Math.floor(depth / 2);
    // The five pairs of neighbours with the longest membrane between them in the middle slice.
    for (const [a, b] of neighbours(z, 1500, 5)) {
      const volume = merged(a, b);
      const seeds = [middle(ids, z, a), middle(ids, z, b)];
      const op = split(volume, a, seeds, probability);
      const { share, pixels } = onMembrane(op, probability);
      // The split gives back the neuron b (in all slices) as the new id.
      const after = apply(volume, op);
      let back = 0;
      let bVoxels = 0;
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] !== b) continue;
        bVoxels++;
        if (after[i] === 1_000_000) back++;
      }
      // The same seeds on flat ground (distance alone, as the split was before) cut elsewhere.
      const flat = onMembrane(split(volume, a, seeds, new Uint8Array(probability.length)), probability);
      console.log(
        `seeded split of ${a} + ${b}: ${pixels} boundary pixels, ${(100 * share).toFixed(1)} % on membrane (p ≥ 0.5), ${((100 * back) / bVoxels).toFixed(1)} % of ${b} given back; by distance alone ${(100 * flat.share).toFixed(1)} %`,
      );
      expect(pixels).toBeGreaterThan(100);
      expect(share).toBeGreaterThanOrEqual(0.9);
      expect(back / bVoxels).toBeGreaterThan(0.9);
      expect(flat.share).toBeLessThan(0.9);
    }
  }, 120_000);

  it('a cut line that stops short of the far edge cuts nothing off', () => {
    const z = Math.floor(depth / 2);
    const [[a]] = neighbours(z, 1500, 1) as [[number, number]];
    const centre = middle(ids, z, a);
    // A line from the middle of the cell a little way in one direction ends inside it.
    const line = [centre, { x: centre.x + 6, y: centre.y + 1 }];
    const minPiece = Math.round(1000 / (VOXEL.x * VOXEL.y));
    expect(splitAlongLineOp(ids, width, height, z, line, 1_000_000, minPiece)).toEqual({ op: null, segment: a });
    // Right across the cell (through its middle, past both edges) it splits.
    const row = (z * height + centre.y) * width;
    let x0 = centre.x;
    let x1 = centre.x;
    while (x0 > 0 && ids[row + x0 - 1] === a) x0--;
    while (x1 < width - 1 && ids[row + x1 + 1] === a) x1++;
    const across = splitAlongLineOp(ids, width, height, z, [{ x: x0 - 1.5, y: centre.y + 0.5 }, { x: x1 + 2.5, y: centre.y + 0.5 }], 1_000_000, minPiece);
    expect(across.segment).toBe(a);
    expect(across.op?.after.some((v) => v === 1_000_000)).toBe(true);
  });
});
