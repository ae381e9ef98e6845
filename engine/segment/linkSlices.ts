import { throwIfCancelled } from '../base/cancellation.js';
import { findRoot, union } from '../base/unionFind.js';

export interface LinkSlicesOptions {
  /**
   * Segments a (slice z) and b (slice z + 1) overlapping in o pixels are the same neuron when
   * o / min(area a, area b) ≥ this. Default 0.5. Lower links more (fewer splits, more merges).
   */
  linkThreshold?: number;
  /**
   * And o / max(area a, area b) ≥ this (default 0.2): a small segment lying inside a much
   * larger one (a 2D merge, the tip of a process, a cell body's cap) then starts a neuron of
   * its own, instead of the large one joining everything it covers into one neuron. A neuron
   * branching in two still links both halves (each covers about half of the larger segment).
   */
  linkLargerThreshold?: number;
  /**
   * Also require b to be a's largest overlap or a to be b's (default true). With linkThreshold
   * ≥ 0.5 the smaller segment's best partner always qualifies, so this matters below 0.5, where
   * it keeps a segment straddling two neurons from joining both.
   */
  requireBestPartner?: boolean;
  /**
   * The membrane probability the segments came from (uint8, 255 = membrane, z-major), corrections
   * painted in. With it, only cell interior counts (probability below `interiorBelow`, in both
   * slices for an overlap): two neurons whose segments overlap only on the membrane between them
   * (it leans from slice to slice), or through a gap bridged by membrane-like pixels, are not
   * linked, and a segment's membrane rim no longer inflates its area, so a small segment inside
   * a large one is judged by the cell it holds. Without it, every pixel counts (overlap alone).
   */
  probability?: Uint8Array;
  /**
   * With `probability`: the membrane probability (0..256, × 255) below which a pixel is cell
   * interior and counts. Default 51 (0.2), the seeds' threshold; 256 counts every pixel.
   */
  interiorBelow?: number;
  signal?: AbortSignal;
  /** Slice pairs done of depth − 1. */
  onProgress?: (done: number, total: number) => void;
}

export const LINK_DEFAULTS = { linkThreshold: 0.5, linkLargerThreshold: 0.2, requireBestPartner: true, interiorBelow: 51 } as const;

/** Neurons over the volume: ids 1..count (consecutive, in order of first voxel), 0 stays 0. */
export interface LinkedSegments {
  ids: Uint32Array;
  count: number;
}

/**
 * Links each slice's 2D segments (`labels`, z-major; ids per slice, any values, 0 = boundary)
 * into 3D neurons by their overlap with the segments of the next slice, with union-find, so a
 * neuron can branch (one segment overlapping two) and 2D over-segmentation is repaired where
 * both parts lie within one segment of a neighbouring slice. Overlap is counted in pixels (with
 * `probability`, cell-interior pixels only): the pixel size is the same in both slices, so the
 * ratio is the same in nm²; the z spacing does not enter, as only adjacent slices are compared.
 * Counts are whole numbers, so block-wise linking can add them up over blocks exactly.
 */
export function linkSlices(labels: Uint32Array, width: number, height: number, depth: number, options: LinkSlicesOptions = {}): LinkedSegments {
  const plane = width * height;
  if (labels.length !== plane * depth) throw new RangeError(`linkSlices: labels hold ${labels.length} voxels, not ${width} × ${height} × ${depth}.`);
  const threshold = options.linkThreshold ?? LINK_DEFAULTS.linkThreshold;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`linkSlices: linkThreshold must be from 0 to 1, got ${threshold}.`);
  const largerThreshold = options.linkLargerThreshold ?? LINK_DEFAULTS.linkLargerThreshold;
  if (!(largerThreshold >= 0 && largerThreshold <= 1)) throw new RangeError(`linkSlices: linkLargerThreshold must be from 0 to 1, got ${largerThreshold}.`);
  const requireBestPartner = options.requireBestPartner ?? LINK_DEFAULTS.requireBestPartner;

  // Segment (z, id) is node base[z] + id of the union-find forest.
  const maxIds = new Float64Array(depth);
  const base = new Float64Array(depth + 1);
  for (let z = 0; z < depth; z++) {
    let max = 0;
    for (let i = z * plane, end = i + plane; i < end; i++) if (labels[i]! > max) max = labels[i]!;
    maxIds[z] = max;
    base[z + 1] = base[z]! + max + 1;
  }
  if (base[depth]! > 2 ** 31 - 1) throw new RangeError(`linkSlices: the slices hold ${base[depth]} segment ids in all, too many to link; relabel each slice 1..N first.`);
  const parent = new Int32Array(base[depth]!);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const { probability } = options;
  if (probability && probability.length !== labels.length) throw new RangeError(`linkSlices: the probability holds ${probability.length} voxels, not ${labels.length}.`);
  const interiorBelow = options.interiorBelow ?? LINK_DEFAULTS.interiorBelow;
  if (!(interiorBelow >= 0 && interiorBelow <= 256)) throw new RangeError(`linkSlices: interiorBelow must be 0..256 (probability × 255), got ${interiorBelow}.`);
  // 256 (or no probability) counts every pixel: a mask of all ones is not needed then.
  const interior = probability && interiorBelow <= 255 ? { probability, below: interiorBelow } : null;
  const areas = new Float64Array(base[depth]!);
  for (let z = 0; z < depth; z++) {
    for (let i = z * plane, end = i + plane; i < end; i++) if (!interior || interior.probability[i]! < interior.below) areas[base[z]! + labels[i]!]!++;
  }

  for (let z = 0; z + 1 < depth; z++) {
    throwIfCancelled(options.signal, 'Segmentation');
    const overlaps = countOverlaps(labels, z, plane, maxIds[z + 1]! + 1, interior);
    const baseA = base[z]!;
    const baseB = base[z + 1]!;
    const bestOfA = new Map<number, { partner: number; overlap: number }>();
    const bestOfB = new Map<number, { partner: number; overlap: number }>();
    for (const [a, b, overlap] of overlaps) {
      const currentA = bestOfA.get(a);
      if (!currentA || overlap > currentA.overlap) bestOfA.set(a, { partner: b, overlap });
      const currentB = bestOfB.get(b);
      if (!currentB || overlap > currentB.overlap) bestOfB.set(b, { partner: a, overlap });
    }
    for (const [a, b, overlap] of overlaps) {
      const areaA = areas[baseA + a]!;
      const areaB = areas[baseB + b]!;
      if (overlap < threshold * Math.min(areaA, areaB) || overlap < largerThreshold * Math.max(areaA, areaB)) continue;
      if (requireBestPartner && bestOfA.get(a)!.partner !== b && bestOfB.get(b)!.partner !== a) continue;
      union(parent, baseA + a, baseB + b);
    }
    options.onProgress?.(z + 1, depth - 1);
  }

  const ids = new Uint32Array(labels.length);
  const numbers = new Uint32Array(base[depth]!);
  let count = 0;
  for (let z = 0; z < depth; z++) {
    const offset = base[z]!;
    let lastLabel = 0;
    let lastId = 0;
    for (let i = z * plane, end = i + plane; i < end; i++) {
      const label = labels[i]!;
      if (label === 0) continue;
      if (label !== lastLabel) {
        const root = findRoot(parent, offset + label);
        if (numbers[root] === 0) numbers[root] = ++count;
        lastLabel = label;
        lastId = numbers[root]!;
      }
      ids[i] = lastId;
    }
  }
  return { ids, count };
}

/**
 * Pixel counts of each (segment in z, segment in z + 1) pair that overlaps, as [a, b, count]; with
 * `interior`, only pixels below its probability in both slices count.
 */
function countOverlaps(labels: Uint32Array, z: number, plane: number, idsB: number, interior: { probability: Uint8Array; below: number } | null): [number, number, number][] {
  const counts = new Map<number, number>();
  const below = z * plane;
  const above = below + plane;
  let lastKey = -1;
  let run = 0;
  for (let i = 0; i < plane; i++) {
    const a = labels[below + i]!;
    const b = labels[above + i]!;
    if (a === 0 || b === 0) continue;
    if (interior && (interior.probability[below + i]! >= interior.below || interior.probability[above + i]! >= interior.below)) continue;
    const key = a * idsB + b;
    // Segments are contiguous, so long runs of one pair are common: count them before hashing.
    if (key === lastKey) {
      run++;
      continue;
    }
    if (run > 0) counts.set(lastKey, (counts.get(lastKey) ?? 0) + run);
    lastKey = key;
    run = 1;
  }
  if (run > 0) counts.set(lastKey, (counts.get(lastKey) ?? 0) + run);
  const pairs: [number, number, number][] = [];
  for (const [key, count] of counts) pairs.push([Math.floor(key / idsB), key % idsB, count]);
  return pairs;
}
