/** How the volume is shared among neurons: a giant merge shows as one neuron holding a large share. */
export interface SizeSummary {
  neurons: number;
  /** The largest neuron's id and voxels, and its share of all voxels (boundary included), 0..1. */
  largestId: number;
  largestVoxels: number;
  largestShare: number;
  /** Share of all voxels held by the ten largest neurons together. */
  topTenShare: number;
}

/** Voxel counts per neuron id of `ids` (0 = boundary, not a neuron), summarised. */
export function sizeSummary(ids: Uint32Array): SizeSummary {
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
  return { neurons: counts.size, largestId, largestVoxels, largestShare: largestVoxels / total, topTenShare: topTen / total };
}
