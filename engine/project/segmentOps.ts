import { drawWatershedLines } from '../segment/drawWatershedLines.js';
import { seededWatershed3d, type VoxelSpacing } from '../segment/seededWatershed3d.js';

/** Voxels to set and the ids they get: what a proofreading operation does to the segment layer. */
export interface SegmentOp {
  indices: Uint32Array;
  after: Uint32Array;
}

/** Every voxel of `id` (indices into the volume). */
export function voxelsOf(ids: Uint32Array, id: number): Uint32Array {
  let count = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) count++;
  const out = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) out[k++] = i;
  return out;
}

/** Merge: every voxel of `remove` becomes `keep`. */
export function mergeOp(ids: Uint32Array, keep: number, remove: number): SegmentOp {
  const indices = voxelsOf(ids, remove);
  return { indices, after: new Uint32Array(indices.length).fill(keep) };
}

/** Every voxel of `id` becomes `to` (0 deletes the segment, a fresh id relabels it). */
export function relabelOp(ids: Uint32Array, id: number, to: number): SegmentOp {
  const indices = voxelsOf(ids, id);
  return { indices, after: new Uint32Array(indices.length).fill(to) };
}

/**
 * Splits a segment in slice z along a drawn line. The segment is the one the line crosses most.
 * Its 4-connected pieces in the slice are found before and after the cut; a piece that the
 * line cuts into two or more parts is split: the line's pixels on it become boundary (0), its
 * largest part keeps the id and the others take `newId`. Pieces the line does not cut apart
 * (a neuron's other branches in this slice) are left alone, and so is a part under `minPiece`
 * pixels (a sliver between the line and the segment's edge). `op` is null, and nothing is to
 * change, when the line crosses no segment (`segment` null) or cuts no piece into two parts of
 * at least `minPiece` pixels: the line stopped short of the far edge.
 */
export function splitAlongLineOp(
  ids: Uint32Array,
  width: number,
  height: number,
  z: number,
  line: { x: number; y: number }[],
  newId: number,
  minPiece = 1,
): { op: SegmentOp; segment: number } | { op: null; segment: number | null } {
  const plane = width * height;
  const base = z * plane;
  const cut = linePixels(line, width, height);
  const crossed = new Map<number, number>();
  for (const p of cut) {
    const id = ids[base + p]!;
    if (id !== 0) crossed.set(id, (crossed.get(id) ?? 0) + 1);
  }
  if (crossed.size === 0) return { op: null, segment: null };
  const segment = [...crossed].sort((a, b) => b[1] - a[1])[0]![0];
  const isCut = new Uint8Array(plane);
  for (const p of cut) if (ids[base + p] === segment) isCut[p] = 1;
  const inSegment = (p: number): boolean => ids[base + p] === segment;
  // The segment's pieces in this slice before the cut (it may have several: a neuron's branches)
  // and after it. Only a piece before the cut that falls into two or more parts is split.
  const before = pieces4(width, height, inSegment);
  const afterCut = pieces4(width, height, (p) => inSegment(p) && isCut[p] === 0);
  const parts = new Map<number, number[]>();
  afterCut.sizes.forEach((size, label) => {
    if (size < minPiece) return;
    const whole = before.labels[afterCut.first[label]!]!;
    parts.set(whole, [...(parts.get(whole) ?? []), label]);
  });
  const split = new Set<number>();
  const moved = new Set<number>();
  for (const [whole, labels] of parts) {
    if (labels.length < 2) continue;
    split.add(whole);
    const largest = labels.reduce((a, b) => (afterCut.sizes[b]! > afterCut.sizes[a]! ? b : a));
    for (const label of labels) if (label !== largest) moved.add(label);
  }
  if (split.size === 0) return { op: null, segment };
  const indices: number[] = [];
  const after: number[] = [];
  for (let p = 0; p < plane; p++) {
    if (isCut[p] && split.has(before.labels[p]!)) {
      indices.push(base + p);
      after.push(0);
    } else if (moved.has(afterCut.labels[p]!)) {
      indices.push(base + p);
      after.push(newId);
    }
  }
  return { op: { indices: Uint32Array.from(indices), after: Uint32Array.from(after) }, segment };
}

/** The smallest box holding every voxel of a segment (x1, y1, z1 exclusive), or null when it has none. */
export interface SegmentBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  z0: number;
  z1: number;
}

export function segmentBox(ids: Uint32Array, width: number, height: number, id: number): SegmentBox | null {
  const plane = width * height;
  let box: SegmentBox | null = null;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] !== id) continue;
    const x = i % width;
    const y = Math.floor(i / width) % height;
    const z = Math.floor(i / plane);
    if (!box) box = { x0: x, x1: x + 1, y0: y, y1: y + 1, z0: z, z1: z + 1 };
    if (x < box.x0) box.x0 = x;
    if (x >= box.x1) box.x1 = x + 1;
    if (y < box.y0) box.y0 = y;
    if (y >= box.y1) box.y1 = y + 1;
    box.z1 = z + 1;
  }
  return box;
}

/**
 * Splits a 3D segment between seeds so that the parts meet on its membranes: a seeded
 * watershed on the membrane probability inside the segment, across its slices (seededWatershed3d,
 * ties broken by physical distance, so the slice step counts as voxelSize.z). `relief` is the
 * probability (corrections painted in) over `box` only, z-major. Where two parts touch in a
 * slice, the more membrane-like pixel of each touching pair becomes boundary (0), the one-pixel
 * lines the segmentation draws between neurons. The first seed keeps `id`, seed k > 0 gets
 * newIds[k - 1]; voxels no seed reaches (pieces of the segment not connected to any) keep `id`.
 */
export function splitBySeedsOp(
  ids: Uint32Array,
  width: number,
  height: number,
  box: SegmentBox,
  relief: Uint8Array,
  voxelSize: VoxelSpacing,
  id: number,
  seeds: { x: number; y: number; z: number }[],
  newIds: number[],
): SegmentOp {
  const plane = width * height;
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const bd = box.z1 - box.z0;
  const bplane = bw * bh;
  if (relief.length !== bplane * bd) throw new RangeError(`splitBySeedsOp: the relief holds ${relief.length} voxels, but the box is ${bw} × ${bh} × ${bd}.`);
  const mask = new Uint8Array(bplane * bd);
  for (let z = 0; z < bd; z++) {
    for (let y = 0; y < bh; y++) {
      const from = (box.z0 + z) * plane + (box.y0 + y) * width + box.x0;
      const to = (z * bh + y) * bw;
      for (let x = 0; x < bw; x++) if (ids[from + x] === id) mask[to + x] = 1;
    }
  }
  const seedVoxels = seeds.map((seed, k) => {
    const x = Math.floor(seed.x);
    const y = Math.floor(seed.y);
    const z = Math.round(seed.z);
    const inside = x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1 && z >= box.z0 && z < box.z1;
    const v = ((z - box.z0) * bh + (y - box.y0)) * bw + (x - box.x0);
    if (!inside || mask[v] === 0) throw new SeedError(`Seed ${k + 1} at (${x}, ${y}, ${z}) is not on segment ${id}; put every seed inside the segment.`);
    return lowestNear(relief, mask, bw, bh, v, Math.max(0, Math.round(SEED_SNAP_NM / voxelSize.x)));
  });
  const duplicate = seedVoxels.findIndex((v, k) => seedVoxels.indexOf(v) !== k);
  if (duplicate >= 0) throw new SeedError(`Seeds ${seedVoxels.indexOf(seedVoxels[duplicate]!) + 1} and ${duplicate + 1} are on the same voxel; place each seed in a different spot.`);
  const parts = seededWatershed3d(relief, mask, bw, bh, bd, voxelSize, seedVoxels);
  const indices: number[] = [];
  const after: number[] = [];
  const lines = new Uint32Array(bplane);
  for (let z = 0; z < bd; z++) {
    const slice = parts.subarray(z * bplane, (z + 1) * bplane);
    drawWatershedLines(slice, relief.subarray(z * bplane, (z + 1) * bplane), bw, bh, lines);
    for (let p = 0; p < bplane; p++) {
      const part = slice[p]!;
      if (part === 0) continue;
      const to = lines[p] === 0 ? 0 : part === 1 ? id : newIds[part - 2]!;
      if (to === id) continue;
      indices.push((box.z0 + z) * plane + (box.y0 + Math.floor(p / bw)) * width + box.x0 + (p % bw));
      after.push(to);
    }
  }
  return { indices: Uint32Array.from(indices), after: Uint32Array.from(after) };
}

/**
 * How far (nm, in the seed's slice) a seed moves to the least membrane-like voxel of the segment
 * near it. A seed is where its part floods from: one clicked on a membrane or a dark organelle's
 * rim (probability 0.97) would start at that level and lose its own cell to the other seed,
 * which floods it from below through any gap.
 */
const SEED_SNAP_NM = 24;

/** The voxel of the mask with the lowest relief within `radius` pixels of v in its slice (the nearest on ties). */
function lowestNear(relief: Uint8Array, mask: Uint8Array, width: number, height: number, v: number, radius: number): number {
  const plane = width * height;
  const z = Math.floor(v / plane);
  const x0 = v % width;
  const y0 = Math.floor(v / width) % height;
  let best = v;
  let bestKey = relief[v]! * 1e6;
  for (let y = Math.max(0, y0 - radius); y <= Math.min(height - 1, y0 + radius); y++) {
    for (let x = Math.max(0, x0 - radius); x <= Math.min(width - 1, x0 + radius); x++) {
      const d2 = (x - x0) ** 2 + (y - y0) ** 2;
      const u = z * plane + y * width + x;
      if (d2 > radius * radius || mask[u] === 0) continue;
      const key = relief[u]! * 1e6 + d2;
      if (key < bestKey) {
        best = u;
        bestKey = key;
      }
    }
  }
  return best;
}

/** A seed the split cannot use (off the segment, or on another seed's voxel). */
export class SeedError extends Error {}

/** 4-connected pieces of the pixels where `inside` holds: a label per pixel (-1 outside), each piece's size and first pixel. */
function pieces4(width: number, height: number, inside: (p: number) => boolean): { labels: Int32Array; sizes: number[]; first: number[] } {
  const plane = width * height;
  const labels = new Int32Array(plane).fill(-1);
  const sizes: number[] = [];
  const first: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < plane; start++) {
    if (labels[start] !== -1 || !inside(start)) continue;
    const label = sizes.length;
    let size = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      const x = p % width;
      for (const q of [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p - width, p + width]) {
        if (q < 0 || q >= plane || labels[q] !== -1 || !inside(q)) continue;
        labels[q] = label;
        stack.push(q);
      }
    }
    sizes.push(size);
    first.push(start);
  }
  return { labels, sizes, first };
}

/** Pixels under a polyline (image coordinates), one pixel wide, 8-connected, clipped. */
function linePixels(line: { x: number; y: number }[], width: number, height: number): number[] {
  const out = new Set<number>();
  for (let k = 0; k + 1 < line.length || (k === 0 && line.length === 1); k++) {
    const a = line[k]!;
    const b = line[Math.min(k + 1, line.length - 1)]!;
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y)) * 2));
    for (let s = 0; s <= steps; s++) {
      const x = Math.floor(a.x + ((b.x - a.x) * s) / steps);
      const y = Math.floor(a.y + ((b.y - a.y) * s) / steps);
      if (x >= 0 && y >= 0 && x < width && y < height) out.add(y * width + x);
    }
  }
  return [...out];
}
