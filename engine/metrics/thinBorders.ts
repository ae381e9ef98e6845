import { checkSliceShape } from './checkSliceShape.js';
import { scratchInt32 } from './scratchInt32.js';

// Pixel states while flooding, as in the reference (labels are > 0).
const WATERSHED = 0;
const MASK = -2;
const IN_QUEUE = -3;
/** The frame around the image: neither segment, border nor watershed. */
const OUTSIDE = -4;

/**
 * Thins the borders of a segmentation to one-pixel watershed lines, as the ISBI 2012 evaluation
 * does before scoring (Arganda-Carreras et al. 2015, Front. Neuroanat. 9:142; Fiji's
 * "Segmentation evaluation after border thinning" script). `labels` holds segments (> 0, for
 * example from connectedComponents4) and border pixels (0), row-major.
 *
 * The segments grow into the border until the fronts meet; where two different segments meet, a
 * line of 0 remains. Like the reference (Trainable_Segmentation's WatershedTransform2D applied to
 * the thresholded proposal, border = 255, cell = 0), this floods the *binary* map: the border is one
 * plateau, filled breadth-first from the segments, so each border pixel goes to the nearest
 * segment (4-connected distance) and the lines fall midway. The probability map plays no part.
 * Visiting order and tie rules follow the reference exactly (Vincent & Soille 1991 flooding:
 * pixels in column-major order, neighbours left, up, right, down), so lines land on the same
 * pixels. As in the reference, a slice without any segment becomes one segment.
 *
 * Returns new labels: every segment keeps its id and its pixels; 0 marks the remaining lines (one
 * pixel wide as a rule; flooding a plateau can leave the odd thicker spot, as in the reference).
 */
export function thinBorders(labels: Int32Array, width: number, height: number): Int32Array {
  checkSliceShape('thinBorders', labels.length, width, height);
  // Work on a copy framed by one pixel of OUTSIDE, so that neighbours need no bounds checks.
  const stride = width + 2;
  const framed = scratchInt32('thin.framed', stride * (height + 2)).fill(OUTSIDE, 0, stride * (height + 2));
  let maxLabel = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = y * width, f = (y + 1) * stride + 1; x < width; x++, i++, f++) {
      const label = labels[i]!;
      if (label > 0) {
        framed[f] = label;
        if (label > maxLabel) maxLabel = label;
      } else framed[f] = MASK;
    }
  }
  // No segment at all: the reference floods the whole border as one new basin.
  if (maxLabel === 0) return new Int32Array(width * height).fill(1);

  // Every border pixel enters the queue once: first those touching a segment, in column-major
  // order (found row by row, then counting-sorted by column, which keeps rows in order).
  const touching = scratchInt32('thin.touching', width * height);
  const perColumn = new Int32Array(width + 1);
  let found = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0, f = (y + 1) * stride + 1; x < width; x++, f++) {
      if (framed[f] === MASK && (framed[f - 1]! > 0 || framed[f - stride]! > 0 || framed[f + 1]! > 0 || framed[f + stride]! > 0)) {
        touching[found++] = f;
        perColumn[x + 1]!++;
      }
    }
  }
  for (let x = 1; x <= width; x++) perColumn[x]! += perColumn[x - 1]!;
  const queue = scratchInt32('thin.queue', width * height);
  for (let k = 0; k < found; k++) {
    const f = touching[k]!;
    queue[perColumn[(f % stride) - 1]!++] = f;
    framed[f] = IN_QUEUE;
  }

  // Breadth-first flooding of the border plateau (every border pixel touches a segment's region, so
  // none is left over). `flag` is the reference's (global) marker that the last pixel turned into a
  // watershed only because a neighbour was one: such a pixel still joins a segment it touches next.
  // Neighbours in the reference's order: left, up, right, down.
  const offsets = Int32Array.of(-1, -stride, 1, stride);
  let flag = false;
  let tail = found;
  for (let head = 0; head < tail; head++) {
    const p = queue[head]!;
    for (let k = 0; k < 4; k++) {
      const c = p + offsets[k]!;
      const neighbour = framed[c]!;
      if (neighbour > 0) {
        const own = framed[p]!;
        if (own === IN_QUEUE || (own === WATERSHED && flag)) framed[p] = neighbour;
        else if (own > 0 && own !== neighbour) {
          framed[p] = WATERSHED;
          flag = false;
        }
      } else if (neighbour === WATERSHED) {
        if (framed[p] === IN_QUEUE) {
          framed[p] = WATERSHED;
          flag = true;
        }
      } else if (neighbour === MASK) {
        framed[c] = IN_QUEUE;
        queue[tail++] = c;
      }
    }
  }

  const out = new Int32Array(width * height);
  for (let y = 0; y < height; y++) out.set(framed.subarray((y + 1) * stride + 1, (y + 1) * stride + 1 + width), y * width);
  return out;
}
