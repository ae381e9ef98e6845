/** How the volume is shared among neurons: a giant merge shows as one neuron holding a large share. */
export interface SizeSummary {
  neurons: number;
  /** The largest neuron's id and voxels, and its share of all voxels (boundary included), 0..1. */
  largestId: number;
  largestVoxels: number;
  largestShare: number;
  /** Share of all voxels held by the ten largest neurons together. */
  topTenShare: number;
  /** Neurons holding at least 1 % of all voxels each: a few at most, unless neurons are merged. */
  overOnePercent: number;
  /** With the slice size: neurons found in one slice only (a neuron cut between slices leaves such pieces). */
  oneSlice?: number;
}

/**
 * Voxel counts per neuron id of `ids` (0 = boundary, not a neuron), summarised; with `plane` (the
 * slice's width × height, ids z-major) also how many neurons lie in one slice only.
 */
export function sizeSummary(ids: Uint32Array, plane?: number): SizeSummary {
  const counts = new Map<number, number>();
  let lastId = 0;
  let run = 0;
  // Ids come in runs along rows: count a run before touching the map.
  for (let i = 0; i <= ids.length; i++) {
    const id = i < ids.length ? ids[i]! : -1;
    if (id === lastId) {
      run++;
      continue;
    }
    if (lastId !== 0 && run > 0) counts.set(lastId, (counts.get(lastId) ?? 0) + run);
    lastId = id;
    run = 1;
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const total = Math.max(1, ids.length);
  const [largestId, largestVoxels] = sorted[0] ?? [0, 0];
  const topTen = sorted.slice(0, 10).reduce((sum, [, voxels]) => sum + voxels, 0);
  const overOnePercent = sorted.filter(([, voxels]) => voxels >= 0.01 * total).length;
  const summary: SizeSummary = { neurons: counts.size, largestId, largestVoxels, largestShare: largestVoxels / total, topTenShare: topTen / total, overOnePercent };
  if (plane !== undefined) summary.oneSlice = oneSliceNeurons(ids, plane, counts.size);
  return summary;
}

/** Neurons whose voxels all lie in one slice. */
function oneSliceNeurons(ids: Uint32Array, plane: number, neurons: number): number {
  if (!(Number.isInteger(plane) && plane > 0 && ids.length % plane === 0)) throw new RangeError(`sizeSummary: ${ids.length} voxels are not whole slices of ${plane}.`);
  // The first slice each id is seen in, and whether it is seen in another.
  const first = new Map<number, number>();
  const spread = new Set<number>();
  for (let z = 0, depth = ids.length / plane; z < depth; z++) {
    let last = 0;
    for (let i = z * plane, end = i + plane; i < end; i++) {
      const id = ids[i]!;
      if (id === 0 || id === last) continue;
      last = id;
      const seen = first.get(id);
      if (seen === undefined) first.set(id, z);
      else if (seen !== z) spread.add(id);
    }
  }
  return neurons - spread.size;
}
