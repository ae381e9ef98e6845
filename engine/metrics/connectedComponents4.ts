import { findRoot, union } from '../base/unionFind.js';
import { checkSliceShape } from './checkSliceShape.js';
import { scratchInt32 } from './scratchInt32.js';

/** Segments of a binary image: `labels[i]` is 0 off the mask, else the 1-based segment id. */
export interface Components {
  labels: Int32Array;
  /** Number of segments; ids run from 1 to count. */
  count: number;
}

/**
 * Labels the 4-connected components of the non-zero pixels of a row-major `width × height` mask
 * (pixels touching only at a corner are separate segments, as in the ISBI 2012 evaluation); with
 * `above`, of the pixels whose value is greater than it (a threshold on a level map, no mask needed).
 * Ids follow the row-major order of each segment's first pixel. Scanline algorithm: runs of
 * mask pixels in each row are joined (union-find) with the runs they touch in the row above,
 * then filled with their final id. No recursion; linear time.
 */
export function connectedComponents4(mask: Uint8Array, width: number, height: number, above = 0): Components {
  checkSliceShape('connectedComponents4', mask.length, width, height);
  // Runs (at most one per two pixels, plus one per row), as parallel arrays.
  const capacity = Math.ceil(width / 2) * height;
  const runStart = scratchInt32('components.runStart', capacity);
  const runEnd = scratchInt32('components.runEnd', capacity);
  const runRow = scratchInt32('components.runRow', capacity);
  const parent = scratchInt32('components.parent', capacity);
  let runs = 0;
  let previousFirst = 0;
  let previousEnd = 0;
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    const first = runs;
    let upper = previousFirst;
    let x = 0;
    while (x < width) {
      while (x < width && mask[rowStart + x]! <= above) x++;
      if (x === width) break;
      const start = x;
      while (x < width && mask[rowStart + x]! > above) x++;
      const run = runs++;
      runStart[run] = start;
      runEnd[run] = x;
      runRow[run] = y;
      parent[run] = run;
      // Runs of the row above that share a column with [start, x).
      while (upper < previousEnd && runEnd[upper]! <= start) upper++;
      for (let k = upper; k < previousEnd && runStart[k]! < x; k++) union(parent, run, k);
    }
    previousFirst = first;
    previousEnd = runs;
  }

  const labels = new Int32Array(width * height);
  const ids = scratchInt32('components.ids', runs);
  let count = 0;
  for (let run = 0; run < runs; run++) {
    const root = findRoot(parent, run);
    // A root is always its set's first run (union keeps the smaller index), so it is seen first.
    if (root === run) ids[run] = ++count;
    const id = ids[root]!;
    const end = runRow[run]! * width + runEnd[run]!;
    // fill() costs more than a loop for the many short runs of noisy masks.
    let i = runRow[run]! * width + runStart[run]!;
    if (end - i > 32) labels.fill(id, i, end);
    else for (; i < end; i++) labels[i] = id;
  }
  return { labels, count };
}
