import { findRoot, union } from '../base/unionFind.js';

/**
 * The 4-connected pieces of each non-zero id in one row-major slice: how the ISBI evaluation
 * sees a segmentation (one segment per connected piece), whatever ids a 3D neuron carries.
 * Returns labels 1..count in row-major order of each piece's first pixel, 0 where ids are 0.
 */
export function idComponents4(ids: ArrayLike<number>, width: number, height: number): { labels: Int32Array; count: number } {
  const n = width * height;
  if (ids.length !== n) throw new RangeError(`idComponents4: the slice holds ${ids.length} pixels, not ${width} × ${height}.`);
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    parent[i] = i;
    const id = ids[i]!;
    if (id === 0) continue;
    const x = i % width;
    if (x > 0 && ids[i - 1] === id) parent[i] = findRoot(parent, i - 1);
    // The smaller index stays root, so a piece's root is its first pixel.
    if (i >= width && ids[i - width] === id) union(parent, i - width, i);
  }
  const labels = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (ids[i] === 0) continue;
    const root = findRoot(parent, i);
    labels[i] = root === i ? ++count : labels[root]!;
  }
  return { labels, count };
}
