import type { Slice } from '../../../protocol/contract.js';

/**
 * Least-recently-used slices of one volume, bounded by count and by bytes so a few 4096²
 * float slices cannot eat the renderer's memory. Plain (not reactive): the store decides what
 * is on screen.
 */
export class SliceCache {
  readonly #maxSlices: number;
  readonly #maxBytes: number;
  /** Map iteration order is insertion order: the first key is the least recently used. */
  readonly #slices = new Map<number, Slice>();
  #bytes = 0;

  constructor(maxSlices = 8, maxBytes = 512 * 2 ** 20) {
    this.#maxSlices = maxSlices;
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#slices.size;
  }

  has(z: number): boolean {
    return this.#slices.has(z);
  }

  /** The slice at z, marked as most recently used. */
  get(z: number): Slice | undefined {
    const slice = this.#slices.get(z);
    if (slice) {
      this.#slices.delete(z);
      this.#slices.set(z, slice);
    }
    return slice;
  }

  put(slice: Slice): void {
    const old = this.#slices.get(slice.z);
    if (old) {
      this.#bytes -= old.data.byteLength;
      this.#slices.delete(slice.z);
    }
    this.#slices.set(slice.z, slice);
    this.#bytes += slice.data.byteLength;
    // Always keep the newest slice, even if it alone is over the byte budget.
    for (const [z, s] of this.#slices) {
      if (this.#slices.size <= 1 || (this.#slices.size <= this.#maxSlices && this.#bytes <= this.#maxBytes)) break;
      this.#slices.delete(z);
      this.#bytes -= s.data.byteLength;
    }
  }

  clear(): void {
    this.#slices.clear();
    this.#bytes = 0;
  }
}
