import type { VoxelSize } from '../../protocol/contract.js';

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
 * Splits a segment in slice z along a drawn line: the line's pixels become boundary (0), the
 * segment's pieces in that slice are found (4-connected), the largest keeps the id and the
 * others take `newId`. The segment is the one the line crosses most. Null when the line does
 * not cut anything apart.
 */
export function splitAlongLineOp(ids: Uint32Array, width: number, height: number, z: number, line: { x: number; y: number }[], newId: number): { op: SegmentOp; segment: number } | null {
  const plane = width * height;
  const base = z * plane;
  const cut = linePixels(line, width, height);
  const crossed = new Map<number, number>();
  for (const p of cut) {
    const id = ids[base + p]!;
    if (id !== 0) crossed.set(id, (crossed.get(id) ?? 0) + 1);
  }
  if (crossed.size === 0) return null;
  const segment = [...crossed].sort((a, b) => b[1] - a[1])[0]![0];
  const isCut = new Uint8Array(plane);
  for (const p of cut) if (ids[base + p] === segment) isCut[p] = 1;
  // Pieces of the segment in this slice without the cut.
  const piece = new Int32Array(plane).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < plane; start++) {
    if (ids[base + start] !== segment || isCut[start] || piece[start] !== -1) continue;
    const label = sizes.length;
    let size = 0;
    piece[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      const x = p % width;
      for (const q of [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p - width, p + width]) {
        if (q < 0 || q >= plane || piece[q] !== -1 || isCut[q] || ids[base + q] !== segment) continue;
        piece[q] = label;
        stack.push(q);
      }
    }
    sizes.push(size);
  }
  if (sizes.length < 2) return null;
  const largest = sizes.indexOf(Math.max(...sizes));
  const indices: number[] = [];
  const after: number[] = [];
  for (let p = 0; p < plane; p++) {
    if (isCut[p]) {
      indices.push(base + p);
      after.push(0);
    } else if (piece[p]! >= 0 && piece[p] !== largest) {
      indices.push(base + p);
      after.push(newId);
    }
  }
  return { op: { indices: Uint32Array.from(indices), after: Uint32Array.from(after) }, segment };
}

/**
 * Splits a 3D segment between seeds: each voxel of the segment goes to the seed nearest along
 * paths inside the segment (6-connected, in nanometres, so the 50 nm slice step counts as such).
 * The first seed keeps `id`, seed k > 0 gets newIds[k - 1].
 */
export function splitBySeedsOp(ids: Uint32Array, width: number, height: number, depth: number, voxelSize: VoxelSize, id: number, seeds: { x: number; y: number; z: number }[], newIds: number[]): SegmentOp {
  const plane = width * height;
  const voxels = voxelsOf(ids, id);
  const distance = new Map<number, number>();
  const owner = new Map<number, number>();
  // A binary heap of [distance, voxel] for Dijkstra.
  const heap: [number, number][] = [];
  const push = (item: [number, number]): void => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]![0] <= heap[i]![0]) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]![0] < heap[m]![0]) m = l;
        if (r < heap.length && heap[r]![0] < heap[m]![0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  seeds.forEach((seed, k) => {
    const v = Math.round(seed.z) * plane + Math.floor(seed.y) * width + Math.floor(seed.x);
    if (ids[v] !== id) throw new Error(`Seed ${k + 1} at (${Math.floor(seed.x)}, ${Math.floor(seed.y)}, ${Math.round(seed.z)}) is not on segment ${id}; put every seed inside the segment.`);
    distance.set(v, 0);
    owner.set(v, k);
    push([0, v]);
  });
  // Neighbour steps: [axis, direction, cost in nm].
  const steps: [0 | 1 | 2, -1 | 1, number][] = [
    [0, -1, voxelSize.x],
    [0, 1, voxelSize.x],
    [1, -1, voxelSize.y],
    [1, 1, voxelSize.y],
    [2, -1, voxelSize.z],
    [2, 1, voxelSize.z],
  ];
  const strides = [1, width, plane];
  const sizes = [width, height, depth];
  while (heap.length > 0) {
    const [d, v] = pop();
    if (d > (distance.get(v) ?? Infinity)) continue;
    const position = [v % width, Math.floor(v / width) % height, Math.floor(v / plane)];
    for (const [axis, direction, cost] of steps) {
      const along = position[axis]! + direction;
      if (along < 0 || along >= sizes[axis]!) continue;
      const u = v + direction * strides[axis]!;
      if (ids[u] !== id) continue;
      const next = d + cost;
      if (next < (distance.get(u) ?? Infinity)) {
        distance.set(u, next);
        owner.set(u, owner.get(v)!);
        push([next, u]);
      }
    }
  }
  const indices: number[] = [];
  const after: number[] = [];
  for (const v of voxels) {
    const k = owner.get(v) ?? 0;
    if (k > 0) {
      indices.push(v);
      after.push(newIds[k - 1]!);
    }
  }
  return { indices: Uint32Array.from(indices), after: Uint32Array.from(after) };
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
