import { findRoot } from '../base/unionFind.js';

/**
 * Merges every segment of fewer than `minPixels` pixels into the 4-neighbouring segment it
 * shares the longest border with, smallest first, until none is left that has a neighbour
 * (a lone segment stays, however small). `labels` (ids 1..count, 0 = none) is rewritten in
 * place with consecutive ids in order of first appearance; returns the new count.
 */
export function mergeSmallSegments(labels: Int32Array, count: number, width: number, height: number, minPixels: number): number {
  const n = width * height;
  if (labels.length !== n) throw new RangeError(`mergeSmallSegments: labels hold ${labels.length} pixels, not ${width} × ${height}.`);
  const areas = new Float64Array(count + 1);
  for (let i = 0; i < n; i++) areas[labels[i]!]!++;
  const small: number[] = [];
  for (let id = 1; id <= count; id++) if (areas[id]! > 0 && areas[id]! < minPixels) small.push(id);
  if (small.length === 0) return relabel(labels, count, null);

  const borders = sharedBorders(labels, count, width, height);
  const parent = Int32Array.from({ length: count + 1 }, (_, i) => i);
  small.sort((a, b) => areas[a]! - areas[b]! || a - b);
  // A merge only grows segments, but one that is still small can be met again: repeat until stable.
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of small) {
      const root = findRoot(parent, id);
      if (areas[root]! >= minPixels) continue;
      const target = longestBorder(borders, parent, root);
      if (target === -1) continue;
      // The segment with more neighbours keeps its border map; the other's is folded into it.
      const [kept, folded] = borders[root]!.size >= borders[target]!.size ? [root, target] : [target, root];
      parent[folded] = kept;
      areas[kept]! += areas[folded]!;
      for (const [neighbour, length] of borders[folded]!) borders[kept]!.set(neighbour, (borders[kept]!.get(neighbour) ?? 0) + length);
      borders[folded] = new Map();
      changed = true;
    }
  }
  return relabel(labels, count, parent);
}

/** Per segment, the ids of its 4-neighbours and the number of pixel edges shared with each. */
function sharedBorders(labels: Int32Array, count: number, width: number, height: number): Map<number, number>[] {
  const borders = Array.from({ length: count + 1 }, () => new Map<number, number>());
  const add = (a: number, b: number): void => {
    borders[a]!.set(b, (borders[a]!.get(b) ?? 0) + 1);
    borders[b]!.set(a, (borders[b]!.get(a) ?? 0) + 1);
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const a = labels[i]!;
      if (a === 0) continue;
      if (x < width - 1) {
        const b = labels[i + 1]!;
        if (b !== a && b !== 0) add(a, b);
      }
      if (y < height - 1) {
        const b = labels[i + width]!;
        if (b !== a && b !== 0) add(a, b);
      }
    }
  }
  return borders;
}

/** The root of the neighbour sharing the longest border with `root` (entries may name merged segments), or -1. */
function longestBorder(borders: Map<number, number>[], parent: Int32Array, root: number): number {
  const totals = new Map<number, number>();
  for (const [neighbour, length] of borders[root]!) {
    const other = findRoot(parent, neighbour);
    if (other !== root) totals.set(other, (totals.get(other) ?? 0) + length);
  }
  let best = -1;
  let bestLength = 0;
  for (const [other, length] of totals) {
    if (length > bestLength || (length === bestLength && other < best)) {
      best = other;
      bestLength = length;
    }
  }
  return best;
}

/** Rewrites labels through the merges with ids 1..N in order of first appearance; returns N. */
function relabel(labels: Int32Array, count: number, parent: Int32Array | null): number {
  const ids = new Int32Array(count + 1);
  let next = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label === 0) continue;
    const root = parent ? findRoot(parent, label) : label;
    if (ids[root] === 0) ids[root] = ++next;
    labels[i] = ids[root]!;
  }
  return next;
}
