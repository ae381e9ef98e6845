import { brushStroke, type Point } from './brushFootprint.js';

/**
 * Accumulates one brush stroke while the pointer moves. Each `add` covers the capsule from the
 * previous point and returns only the pixels the stroke had not covered yet, so the caller can
 * label and re-render just those. The visited mask is allocated once per recorder and cleared
 * sparsely on reset, so a stroke on a 4096² slice costs nothing per pointer event beyond its own
 * pixels. Make a new recorder when the slice size changes.
 */
export class StrokeRecorder {
  readonly width: number;
  readonly height: number;
  /** Brush radius in pixels; a change applies from the next segment on. */
  radius: number;
  readonly #visited: Uint8Array;
  #covered = new Uint32Array(1024);
  #count = 0;
  #last: Point | null = null;
  #left = Infinity;
  #top = Infinity;
  #right = -Infinity;
  #bottom = -Infinity;

  constructor(width: number, height: number, radius: number) {
    this.width = width;
    this.height = height;
    this.radius = radius;
    this.#visited = new Uint8Array(width * height);
  }

  /** Number of pixels the stroke covers so far. */
  get size(): number {
    return this.#count;
  }

  /** The last point added, or null before the first. */
  get last(): Point | null {
    return this.#last;
  }

  /** Extends the stroke to `point` and returns the newly covered pixel indices, sorted. */
  add(point: Point): Uint32Array<ArrayBuffer> {
    const from = this.#last ?? point;
    this.#last = { x: point.x, y: point.y };
    const candidates = brushStroke(from, point, this.radius, this.width, this.height);
    const visited = this.#visited;
    let fresh = 0;
    // Compact the new pixels to the front of the candidates in place: no second allocation.
    for (let k = 0; k < candidates.length; k++) {
      const index = candidates[k]!;
      if (visited[index] !== 0) continue;
      visited[index] = 1;
      candidates[fresh++] = index;
    }
    const added = candidates.subarray(0, fresh);
    this.#append(added);
    return added;
  }

  /** All pixels of the stroke so far, sorted. */
  indices(): Uint32Array<ArrayBuffer> {
    const count = this.#count;
    if (count === 0) return new Uint32Array(0);
    const boxWidth = this.#right - this.#left + 1;
    const boxArea = boxWidth * (this.#bottom - this.#top + 1);
    // Sorting costs about n log n; scanning the mask costs the bounding box. Take the cheaper.
    if (count * Math.log2(count + 1) < boxArea) return this.#covered.slice(0, count).sort();
    const out = new Uint32Array(count);
    let next = 0;
    for (let y = this.#top; y <= this.#bottom; y++) {
      const row = y * this.width;
      for (let x = this.#left; x <= this.#right; x++) if (this.#visited[row + x] !== 0) out[next++] = row + x;
    }
    return out;
  }

  /** Forgets the stroke, ready for the next one. */
  reset(): void {
    if (this.#count * 8 < this.#visited.length) {
      for (let k = 0; k < this.#count; k++) this.#visited[this.#covered[k]!] = 0;
    } else {
      this.#visited.fill(0);
    }
    this.#count = 0;
    this.#last = null;
    this.#left = Infinity;
    this.#top = Infinity;
    this.#right = -Infinity;
    this.#bottom = -Infinity;
  }

  #append(added: Uint32Array): void {
    if (added.length === 0) return;
    const needed = this.#count + added.length;
    if (needed > this.#covered.length) {
      const grown = new Uint32Array(Math.max(needed, this.#covered.length * 2));
      grown.set(this.#covered.subarray(0, this.#count));
      this.#covered = grown;
    }
    this.#covered.set(added, this.#count);
    this.#count = needed;
    // Sorted input: first and last give the rows; columns need a pass (cheap next to labelling).
    this.#top = Math.min(this.#top, Math.floor(added[0]! / this.width));
    this.#bottom = Math.max(this.#bottom, Math.floor(added[added.length - 1]! / this.width));
    for (let k = 0; k < added.length; k++) {
      const x = added[k]! % this.width;
      if (x < this.#left) this.#left = x;
      if (x > this.#right) this.#right = x;
    }
  }
}
