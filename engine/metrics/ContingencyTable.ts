/**
 * Pixel counts of a predicted segmentation against ground truth, restricted to the ground truth's
 * foreground (the ISBI 2012 "foreground-restricted" scores): what randScores and infoScores need.
 */
export interface ContingencyTable {
  /** Scored pixels: ground-truth segment > 0 (and inside the optional foreground mask). */
  n: number;
  /** Scored pixels the prediction leaves as border (label 0): each is its own segment. */
  singletons: number;
  /** Pixel count of every (truth segment, predicted segment > 0) pair that occurs. */
  pairCounts: Float64Array;
  /** Scored pixels per ground-truth segment (those in predicted border included). */
  truthSizes: Float64Array;
  /** Scored pixels per predicted segment > 0 (zeros for ids that do not occur). */
  predictedSizes: Float64Array;
}

/**
 * Counts, in O(pixels), how the segments of `predicted` overlap those of `truth`
 * (same length; labels are segment ids, 0 or below = border/membrane). Only pixels with truth > 0
 * and `foreground[i] !== 0` (when given, for example a proofread region) are scored. Pairs are
 * counted in a hash table keyed by (truth id, predicted id), like a Map but on typed arrays.
 */
export function contingencyTable(predicted: Int32Array, truth: Int32Array, foreground?: Uint8Array): ContingencyTable {
  if (predicted.length !== truth.length || (foreground && foreground.length !== truth.length)) {
    const sizes = `predicted ${predicted.length}, truth ${truth.length}${foreground ? `, foreground ${foreground.length}` : ''}`;
    throw new RangeError(`contingencyTable: the label images differ in size (${sizes} pixels); pass the same slice of each.`);
  }
  // Runs of pixels with the same pair are common (segments are contiguous): count them first.
  const pairs = new PairCounter();
  let lastTruth = -1;
  let lastPredicted = -1;
  let run = 0;
  const length = truth.length;
  for (let i = 0; i < length; i++) {
    const t = truth[i]!;
    if (t <= 0) continue;
    if (foreground !== undefined && foreground[i] === 0) continue;
    let p = predicted[i]!;
    if (p < 0) p = 0;
    if (t === lastTruth && p === lastPredicted) {
      run++;
      continue;
    }
    if (run > 0) pairs.add(lastTruth, lastPredicted, run);
    lastTruth = t;
    lastPredicted = p;
    run = 1;
  }
  if (run > 0) pairs.add(lastTruth, lastPredicted, run);

  // Marginals from the pairs; predicted id 0 holds the singletons.
  let maxTruth = 0;
  let maxPredicted = 0;
  pairs.forEach((t, p) => {
    if (t > maxTruth) maxTruth = t;
    if (p > maxPredicted) maxPredicted = p;
  });
  const truthSizes = new Float64Array(maxTruth + 1);
  const predictedSizes = new Float64Array(maxPredicted + 1);
  const pairCounts: number[] = [];
  let n = 0;
  let singletons = 0;
  pairs.forEach((t, p, count) => {
    n += count;
    truthSizes[t]! += count;
    if (p === 0) singletons += count;
    else {
      predictedSizes[p]! += count;
      pairCounts.push(count);
    }
  });
  return { n, singletons, pairCounts: Float64Array.from(pairCounts), truthSizes, predictedSizes };
}

/** Counts of (a, b) pairs of non-negative 31-bit ints, in typed arrays (open addressing, linear probing). */
class PairCounter {
  private keysA = new Int32Array(1024).fill(-1);
  private keysB = new Int32Array(1024);
  private values = new Float64Array(1024);
  private used = 0;
  /** 32 − log2(capacity): slots come from the top bits of the hash. */
  private shift = 32 - 10;

  add(a: number, b: number, count: number): void {
    if (2 * (this.used + 1) > this.keysA.length) this.grow();
    const slot = this.slotOf(a, b);
    if (this.keysA[slot] === -1) {
      this.keysA[slot] = a;
      this.keysB[slot] = b;
      this.used++;
    }
    this.values[slot]! += count;
  }

  forEach(visit: (a: number, b: number, count: number) => void): void {
    for (let slot = 0; slot < this.keysA.length; slot++) if (this.keysA[slot] !== -1) visit(this.keysA[slot]!, this.keysB[slot]!, this.values[slot]!);
  }

  /** The slot holding (a, b), or the empty slot where it belongs. */
  private slotOf(a: number, b: number): number {
    const mask = this.keysA.length - 1;
    // Multiplicative (Fibonacci) hashing: the high bits of the product mix both ids.
    let slot = Math.imul(Math.imul(a, 0x9e3779b1) ^ b, 0x85ebca77) >>> this.shift;
    while (this.keysA[slot] !== -1 && (this.keysA[slot] !== a || this.keysB[slot] !== b)) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { keysA, keysB, values } = this;
    this.keysA = new Int32Array(keysA.length * 2).fill(-1);
    this.keysB = new Int32Array(keysA.length * 2);
    this.values = new Float64Array(keysA.length * 2);
    this.shift--;
    for (let slot = 0; slot < keysA.length; slot++) {
      if (keysA[slot] === -1) continue;
      const to = this.slotOf(keysA[slot]!, keysB[slot]!);
      this.keysA[to] = keysA[slot]!;
      this.keysB[to] = keysB[slot]!;
      this.values[to] = values[slot]!;
    }
  }
}
