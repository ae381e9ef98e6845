/** A point in continuous image coordinates: pixel (x, y) covers [x, x+1) × [y, y+1). */
export interface Point {
  x: number;
  y: number;
}

/** A pixel offset from the pixel under the brush centre. */
export interface PixelOffset {
  x: number;
  y: number;
}

/**
 * Slack for the inclusive "within radius" test, so that a pixel centre exactly on the rim
 * (radius 1 reaching the 4 neighbours) is not lost to floating-point rounding.
 */
const EPSILON = 1e-7;

/**
 * Sorted unique indices (y * width + x) of the pixels whose centre (x+0.5, y+0.5) lies within
 * `radius` of the segment from→to: a capsule, or a disc when from equals to. Clipped to the
 * slice. Works row by row: on each row the capsule is one interval (it is convex), so the cost is
 * one interval per row plus one write per covered pixel, with no per-pixel work beyond that.
 */
export function brushStroke(from: Point, to: Point, radius: number, width: number, height: number): Uint32Array<ArrayBuffer> {
  if (!(radius > 0) || width <= 0 || height <= 0) return new Uint32Array(0);
  if (![from.x, from.y, to.x, to.y, radius].every(Number.isFinite)) return new Uint32Array(0);
  const reach = radius + EPSILON;
  // Rows whose centre y+0.5 can be within reach of the segment.
  const rowFirst = Math.max(0, Math.ceil(Math.min(from.y, to.y) - reach - 0.5));
  const rowLast = Math.min(height - 1, Math.floor(Math.max(from.y, to.y) + reach - 0.5));
  if (rowLast < rowFirst) return new Uint32Array(0);

  const rows = rowLast - rowFirst + 1;
  // Per row: first and last covered column (first > last means none).
  const spans = new Int32Array(rows * 2);
  let total = 0;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const lengthSquared = dx * dx + dy * dy;
  const reachTimesLength = reach * Math.sqrt(lengthSquared);
  const reachSquared = reach * reach;

  for (let row = 0; row < rows; row++) {
    const centreY = rowFirst + row + 0.5;
    let low = Infinity;
    let high = -Infinity;
    // The two end discs.
    const fromGap = centreY - from.y;
    const fromHalf = reachSquared - fromGap * fromGap;
    if (fromHalf >= 0) {
      const half = Math.sqrt(fromHalf);
      low = Math.min(low, from.x - half);
      high = Math.max(high, from.x + half);
    }
    const toGap = centreY - to.y;
    const toHalf = reachSquared - toGap * toGap;
    if (toHalf >= 0) {
      const half = Math.sqrt(toHalf);
      low = Math.min(low, to.x - half);
      high = Math.max(high, to.x + half);
    }
    // The band between them: points that project onto the segment (0 <= dot <= length²) and
    // lie within reach of its line (|cross| <= reach * length). Both are linear in x on a row.
    if (lengthSquared > 0) {
      let bandLow = -Infinity;
      let bandHigh = Infinity;
      const along = fromGap * dy; // dot product contribution of the row offset
      if (dx !== 0) {
        const a = -along / dx;
        const b = (lengthSquared - along) / dx;
        bandLow = Math.max(bandLow, Math.min(a, b));
        bandHigh = Math.min(bandHigh, Math.max(a, b));
      } else if (along < 0 || along > lengthSquared) {
        bandHigh = -Infinity;
      }
      const across = fromGap * dx; // cross product contribution of the row offset
      if (dy !== 0) {
        const a = (across - reachTimesLength) / dy;
        const b = (across + reachTimesLength) / dy;
        bandLow = Math.max(bandLow, Math.min(a, b));
        bandHigh = Math.min(bandHigh, Math.max(a, b));
      } else if (Math.abs(across) > reachTimesLength) {
        bandHigh = -Infinity;
      }
      if (bandLow <= bandHigh) {
        low = Math.min(low, from.x + bandLow);
        high = Math.max(high, from.x + bandHigh);
      }
    }
    // Columns whose centre x+0.5 lies in [low, high], clamped to [-1, width] on both ends so the
    // Int32Array cannot wrap them (it would store Infinity as 0); first > last means none.
    const first = low <= high ? Math.min(width, Math.max(0, Math.ceil(low - 0.5))) : 1;
    const last = low <= high ? Math.max(-1, Math.min(width - 1, Math.floor(high - 0.5))) : 0;
    spans[row * 2] = first;
    spans[row * 2 + 1] = last;
    if (last >= first) total += last - first + 1;
  }

  const indices = new Uint32Array(total);
  let next = 0;
  for (let row = 0; row < rows; row++) {
    const first = spans[row * 2]!;
    const last = spans[row * 2 + 1]!;
    const base = (rowFirst + row) * width;
    for (let x = first; x <= last; x++) indices[next++] = base + x;
  }
  return indices;
}

/**
 * The pixels a brush of `radius` covers when centred on a pixel centre, as offsets from that
 * pixel, row by row: what the cursor preview draws so it matches what a click will paint.
 */
export function discOffsets(radius: number): PixelOffset[] {
  const extent = Math.max(0, Math.ceil(radius));
  const size = extent * 2 + 1;
  const indices = brushStroke({ x: extent + 0.5, y: extent + 0.5 }, { x: extent + 0.5, y: extent + 0.5 }, radius, size, size);
  const offsets: PixelOffset[] = [];
  for (const index of indices) offsets.push({ x: (index % size) - extent, y: Math.floor(index / size) - extent });
  return offsets;
}
