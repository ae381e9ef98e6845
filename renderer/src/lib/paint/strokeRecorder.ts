import { brushStroke, type Point } from './brushFootprint.js';

/** Side of the square blocks the visited mask is kept in (a power of two). */
const BLOCK_SHIFT = 6;
const BLOCK = 1 << BLOCK_SHIFT;
const BLOCK_MASK = BLOCK - 1;

/** A stroke's pixels in index order, with what each held before the stroke first covered it. */
export interface StrokePixels {
  indices: Uint32Array<ArrayBuffer>;
  /** Aligned with indices: the label each pixel had before the stroke (0 when no labels were given). */
  before: Uint8Array<ArrayBuffer>;
}

/**
 * Accumulates one brush stroke while the pointer moves. Each `add` covers the capsule from the
 * previous point and returns only the pixels the stroke had not covered yet, so the caller can
 * label and re-render just those. Before the caller paints them, the recorder notes what each
 * new pixel held in `labels` (the stroke's own "before", to put back a cancelled or failed
 * stroke) in the same mask that marks it visited.
 *
 * The mask is kept in 64 × 64 blocks made only where the stroke goes: a stroke costs memory in
 * proportion to the area it crosses, never a whole-slice buffer (16 MB on a 4096² slice).
 */
export class StrokeRecorder {
  readonly width: number;
  readonly height: number;
  /** Brush radius in pixels; a change applies from the next segment on. */
  radius: number;
  readonly #labels: Uint8Array | null;
  readonly #blocksX: number;
  /** Per block: null until the stroke reaches it, then per pixel 0 = not covered, else before + 1. */
  #blocks: (Uint8Array | null)[];
  #count = 0;
  #last: Point | null = null;
  #left = Infinity;
  #top = Infinity;
  #right = -Infinity;
  #bottom = -Infinity;

  /** `labels`, if given, is read for each pixel's "before" as the stroke first covers it. */
  constructor(width: number, height: number, radius: number, labels: Uint8Array | null = null) {
    if (labels && labels.length < width * height) throw new Error(`StrokeRecorder: labels have ${labels.length} pixels, the slice ${width} × ${height}.`);
    this.width = width;
    this.height = height;
    this.radius = radius;
    this.#labels = labels;
    this.#blocksX = Math.ceil(width / BLOCK);
    this.#blocks = new Array<Uint8Array | null>(this.#blocksX * Math.ceil(height / BLOCK)).fill(null);
  }

  /** Number of pixels the stroke covers so far. */
  get size(): number {
    return this.#count;
  }

  /** The last point added, or null before the first. */
  get last(): Point | null {
    return this.#last;
  }

  /** Bytes of mask the stroke holds (grows with the area it crosses, not with the slice). */
  get maskBytes(): number {
    let bytes = 0;
    for (const block of this.#blocks) if (block) bytes += block.length;
    return bytes;
  }

  /** Extends the stroke to `point` and returns the newly covered pixel indices, sorted. */
  add(point: Point): Uint32Array<ArrayBuffer> {
    const from = this.#last ?? point;
    this.#last = { x: point.x, y: point.y };
    const candidates = brushStroke(from, point, this.radius, this.width, this.height);
    const labels = this.#labels;
    const width = this.width;
    let fresh = 0;
    // Compact the new pixels to the front of the candidates in place: no second allocation.
    for (let k = 0; k < candidates.length; k++) {
      const index = candidates[k]!;
      const y = (index / width) | 0;
      const x = index - y * width;
      const b = (y >> BLOCK_SHIFT) * this.#blocksX + (x >> BLOCK_SHIFT);
      let block = this.#blocks[b];
      if (!block) block = this.#blocks[b] = new Uint8Array(BLOCK * BLOCK);
      const offset = ((y & BLOCK_MASK) << BLOCK_SHIFT) | (x & BLOCK_MASK);
      if (block[offset] !== 0) continue;
      block[offset] = (labels ? labels[index]! : 0) + 1;
      candidates[fresh++] = index;
      if (x < this.#left) this.#left = x;
      if (x > this.#right) this.#right = x;
      if (y < this.#top) this.#top = y;
      if (y > this.#bottom) this.#bottom = y;
    }
    this.#count += fresh;
    return candidates.subarray(0, fresh);
  }

  /** All pixels of the stroke so far, sorted. */
  indices(): Uint32Array<ArrayBuffer> {
    return this.pixels().indices;
  }

  /** All pixels of the stroke so far, sorted, with what each held before the stroke. */
  pixels(): StrokePixels {
    const indices = new Uint32Array(this.#count);
    const before = new Uint8Array(this.#count);
    let next = 0;
    // Row by row through the blocks the stroke made: index order, at the cost of those blocks.
    for (let y = this.#top; y <= this.#bottom && next < this.#count; y++) {
      const rowBlocks = (y >> BLOCK_SHIFT) * this.#blocksX;
      const rowOffset = (y & BLOCK_MASK) << BLOCK_SHIFT;
      for (let bx = this.#left >> BLOCK_SHIFT; bx <= this.#right >> BLOCK_SHIFT; bx++) {
        const block = this.#blocks[rowBlocks + bx];
        if (!block) continue;
        const x0 = Math.max(this.#left, bx << BLOCK_SHIFT);
        const x1 = Math.min(this.#right, (bx << BLOCK_SHIFT) + BLOCK_MASK);
        for (let x = x0; x <= x1; x++) {
          const mark = block[rowOffset | (x & BLOCK_MASK)]!;
          if (mark === 0) continue;
          indices[next] = y * this.width + x;
          before[next++] = mark - 1;
        }
      }
    }
    return { indices, before };
  }

  /** Forgets the stroke, ready for the next one. */
  reset(): void {
    this.#blocks.fill(null);
    this.#count = 0;
    this.#last = null;
    this.#left = Infinity;
    this.#top = Infinity;
    this.#right = -Infinity;
    this.#bottom = -Infinity;
  }
}
