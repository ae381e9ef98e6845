import type { Point } from './brushFootprint.js';

/** One non-horizontal polygon edge and the rows whose centres it crosses. */
interface Edge {
  firstRow: number;
  lastRow: number;
  /** The upper end, and the change in x per unit of y (measured from the end, not from y = 0, to
   *  keep rounding small where a vertex sits exactly on a pixel centre). */
  topX: number;
  topY: number;
  slope: number;
}

/**
 * Sorted indices of the pixels whose centre (x+0.5, y+0.5) is inside the closed polygon, by the
 * even-odd rule (a lasso that crosses itself leaves the doubly enclosed part out, as in SVG and
 * canvas 'evenodd'). Clipped to the slice; fewer than 3 points (after dropping non-finite ones)
 * give nothing. A scanline fill with an active edge list: each row costs the edges crossing it,
 * not all edges, so long lasso paths stay fast on 4096² slices.
 *
 * Centres exactly on an edge count as inside on the left and top and outside on the right and
 * bottom, so two lassos that share an edge never both claim a pixel.
 */
export function polygonFill(points: readonly Point[], width: number, height: number): Uint32Array<ArrayBuffer> {
  const vertices = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (vertices.length < 3 || width <= 0 || height <= 0) return new Uint32Array(0);

  const edges: Edge[] = [];
  for (let i = 0; i < vertices.length; i++) {
    const a = vertices[i]!;
    const b = vertices[(i + 1) % vertices.length]!;
    if (a.y === b.y) continue; // horizontal edges cross no row centre's line at a single x
    const top = a.y < b.y ? a : b;
    const bottom = a.y < b.y ? b : a;
    // Rows whose centre y+0.5 lies in [top.y, bottom.y): half-open, so a vertex shared by two
    // edges is counted once.
    const firstRow = Math.max(0, Math.ceil(top.y - 0.5));
    const lastRow = Math.min(height - 1, Math.ceil(bottom.y - 0.5) - 1);
    if (firstRow > lastRow) continue;
    const slope = (bottom.x - top.x) / (bottom.y - top.y);
    edges.push({ firstRow, lastRow, topX: top.x, topY: top.y, slope });
  }
  if (edges.length === 0) return new Uint32Array(0);
  edges.sort((a, b) => a.firstRow - b.firstRow);

  // Spans as flat (row, first column, last column) triples, in row order.
  const spans: number[] = [];
  let total = 0;
  let active: Edge[] = [];
  let crossings = new Float64Array(16);
  let nextEdge = 0;
  const firstRow = edges[0]!.firstRow;
  let lastRow = firstRow;
  for (const edge of edges) lastRow = Math.max(lastRow, edge.lastRow);

  for (let row = firstRow; row <= lastRow; row++) {
    while (nextEdge < edges.length && edges[nextEdge]!.firstRow === row) active.push(edges[nextEdge++]!);
    if (active.some((edge) => edge.lastRow < row)) active = active.filter((edge) => edge.lastRow >= row);
    if (active.length === 0) continue;

    if (crossings.length < active.length) crossings = new Float64Array(active.length * 2);
    const centreY = row + 0.5;
    for (let k = 0; k < active.length; k++) {
      const edge = active[k]!;
      crossings[k] = edge.topX + (centreY - edge.topY) * edge.slope;
    }
    const sorted = crossings.subarray(0, active.length).sort();
    for (let k = 0; k + 1 < sorted.length; k += 2) {
      // Columns whose centre x+0.5 lies in [left crossing, right crossing).
      const first = Math.max(0, Math.ceil(sorted[k]! - 0.5));
      const last = Math.min(width - 1, Math.ceil(sorted[k + 1]! - 0.5) - 1);
      if (first > last) continue;
      spans.push(row, first, last);
      total += last - first + 1;
    }
  }

  const indices = new Uint32Array(total);
  let next = 0;
  for (let k = 0; k < spans.length; k += 3) {
    const base = spans[k]! * width;
    const last = spans[k + 2]!;
    for (let x = spans[k + 1]!; x <= last; x++) indices[next++] = base + x;
  }
  return indices;
}
