/** What a fill may not cross: a predicate on pixel index, or a mask where nonzero = blocked. */
export type Barrier = ((index: number) => boolean) | Uint8Array;

export interface FillResult {
  /** Sorted pixel indices of the filled region. */
  indices: Uint32Array<ArrayBuffer>;
  /** True when the region is larger than the limit and only part of it was filled. */
  truncated: boolean;
}

/** Working states of a pixel during a fill: one byte per pixel, one load per test. */
const OPEN = 0;
const BLOCKED = 1;
const FILLED = 2;

/**
 * The 4-connected region around `seed` that does not cross blocked pixels. A scanline fill with
 * an explicit stack (a recursive fill overflows the call stack on a 4096² slice). Stops after
 * `limit` pixels with truncated = true, so a fill that leaks through a gap in the membrane into
 * the whole slice can be caught and refused instead of applied. Diagonal neighbours do not
 * connect, so a one-pixel diagonal membrane line holds.
 *
 * The barrier is copied into one working byte per pixel a whole row at a time, when the fill first
 * reaches that row: every test in the fill is then one byte load (about twice as fast on large
 * regions as testing the barrier and a visited mask), and a small fill in a large slice reads
 * only the rows it touches. A predicate barrier is called once per pixel of those rows.
 */
export function floodFill(
  seed: number,
  blocked: Barrier,
  width: number,
  height: number,
  limit: number = width * height,
): FillResult {
  const size = width * height;
  limit = Math.floor(limit);
  if (typeof blocked !== 'function' && blocked.length < size) {
    throw new Error(`Flood fill barrier has ${blocked.length} pixels but the slice is ${width} × ${height}.`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed >= size || !(limit >= 1)) return { indices: new Uint32Array(0), truncated: false };
  if (typeof blocked === 'function' ? blocked(seed) : blocked[seed] !== 0) return { indices: new Uint32Array(0), truncated: false };

  const state = new Uint8Array(size);
  const rowRead = new Uint8Array(height);
  readRow(state, blocked, Math.floor(seed / width), width, rowRead);

  // Seeds as flat x, y pairs; each is a pixel known to touch the filled region.
  const stack: number[] = [seed % width, Math.floor(seed / width)];
  let count = 0;
  let truncated = false;
  let top = Math.floor(seed / width);
  let bottom = top;
  let left = seed % width;
  let right = left;

  while (stack.length > 0) {
    const y = stack.pop()!;
    const x = stack.pop()!;
    const row = y * width;
    if (state[row + x] !== OPEN) continue;
    let spanLeft = x;
    while (spanLeft > 0 && state[row + spanLeft - 1] === OPEN) spanLeft--;
    let spanRight = x;
    while (spanRight < width - 1 && state[row + spanRight + 1] === OPEN) spanRight++;

    if (count + (spanRight - spanLeft + 1) > limit) {
      // Take what the limit allows outward from the seed, rightward first, so the partial
      // region stays connected to what is already filled.
      truncated = true;
      const rightward = Math.min(spanRight - x + 1, limit - count);
      const leftward = Math.min(x - spanLeft, limit - count - rightward);
      spanLeft = x - leftward;
      spanRight = x + rightward - 1;
    }
    state.fill(FILLED, row + spanLeft, row + spanRight + 1);
    count += spanRight - spanLeft + 1;
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
    left = Math.min(left, spanLeft);
    right = Math.max(right, spanRight);
    if (truncated) break;

    // One seed per run of open pixels in the rows above and below the span.
    if (y > 0) {
      if (rowRead[y - 1] === 0) readRow(state, blocked, y - 1, width, rowRead);
      pushRuns(stack, state, y - 1, width, spanLeft, spanRight);
    }
    if (y < height - 1) {
      if (rowRead[y + 1] === 0) readRow(state, blocked, y + 1, width, rowRead);
      pushRuns(stack, state, y + 1, width, spanLeft, spanRight);
    }
  }
  if (!truncated && count === limit) truncated = hasOpenSeed(stack, state, width);

  return { indices: filledIndices(state, width, count, left, top, right, bottom), truncated };
}

/** Copies row y of the barrier into the working state and marks the row as read. */
function readRow(state: Uint8Array, blocked: Barrier, y: number, width: number, rowRead: Uint8Array): void {
  rowRead[y] = 1;
  const end = (y + 1) * width;
  if (typeof blocked === 'function') {
    for (let i = y * width; i < end; i++) if (blocked(i)) state[i] = BLOCKED;
  } else {
    for (let i = y * width; i < end; i++) if (blocked[i] !== 0) state[i] = BLOCKED;
  }
}

/** Pushes the first pixel of each run of open pixels in row y between two columns. */
function pushRuns(stack: number[], state: Uint8Array, y: number, width: number, first: number, last: number): void {
  const row = y * width;
  let inRun = false;
  for (let x = first; x <= last; x++) {
    const open = state[row + x] === OPEN;
    if (open && !inRun) stack.push(x, y);
    inRun = open;
  }
}

/**
 * Whether a pending seed is still open: the region went on past an exact limit. Every open
 * pixel next to the region lies in a run that has a seed on the stack, so checking seeds suffices.
 */
function hasOpenSeed(stack: number[], state: Uint8Array, width: number): boolean {
  for (let k = 0; k < stack.length; k += 2) if (state[stack[k + 1]! * width + stack[k]!] === OPEN) return true;
  return false;
}

/**
 * The filled pixels inside a bounding box, in index order. Scanning the box is linear in its
 * area, cheaper than sorting millions of fill-order indices.
 */
function filledIndices(state: Uint8Array, width: number, count: number, left: number, top: number, right: number, bottom: number): Uint32Array<ArrayBuffer> {
  const indices = new Uint32Array(count);
  let next = 0;
  for (let y = top; y <= bottom && next < count; y++) {
    const row = y * width;
    for (let x = left; x <= right; x++) if (state[row + x] === FILLED) indices[next++] = row + x;
  }
  return indices;
}

/**
 * The barrier for "flood-fill a cell": painted membrane (label 1) always blocks; unlabelled
 * pixels block where the prediction says membrane (probability >= threshold, 0..255); painted
 * cell (label 2) never blocks, so a correction can open a gap the CNN wrongly closed. `size`
 * defaults to the length of whichever input is given.
 */
export function membraneBarrier(
  prediction: Uint8Array | null,
  labels: Uint8Array | null,
  threshold: number,
  size: number = prediction?.length ?? labels?.length ?? 0,
): Uint8Array<ArrayBuffer> {
  if (prediction && prediction.length < size) throw new Error(`Prediction has ${prediction.length} pixels, the slice ${size}.`);
  if (labels && labels.length < size) throw new Error(`Labels have ${labels.length} pixels, the slice ${size}.`);
  const barrier = new Uint8Array(size);
  if (prediction && labels) {
    for (let i = 0; i < size; i++) {
      const label = labels[i]!;
      barrier[i] = label === 1 || (label === 0 && prediction[i]! >= threshold) ? 1 : 0;
    }
  } else if (prediction) {
    for (let i = 0; i < size; i++) barrier[i] = prediction[i]! >= threshold ? 1 : 0;
  } else if (labels) {
    for (let i = 0; i < size; i++) barrier[i] = labels[i] === 1 ? 1 : 0;
  }
  return barrier;
}
