import { describe, expect, it } from 'vitest';
import { infoScores } from './infoScores.js';

const labels = (...values: number[]) => Int32Array.from(values);

describe('infoScores', () => {
  it('scores identical segmentations 1', () => {
    const scores = infoScores(labels(4, 4, 0, 6, 6, 6), labels(1, 1, 0, 2, 2, 2));
    expect(scores.vInfo).toBeCloseTo(1, 14);
    expect(scores.vInfoSplit).toBeCloseTo(1, 14);
    expect(scores.vInfoMerge).toBeCloseTo(1, 14);
  });

  it('scores a merge: split 1, merge = I/H(T) < 1', () => {
    // Truth T: A (2 px), B (2 px), C (4 px) → p = 1/4, 1/4, 1/2, H(T) = 1.5 ln 2
    // Prediction S merges A and B → p = 1/2, 1/2, H(S) = ln 2; S is a function of T, so
    // H(S,T) = H(T) and I = H(S) + H(T) − H(S,T) = ln 2.
    // split = I/H(S) = 1, merge = I/H(T) = 2/3, V_info = 2·(2/3)/(5/3) = 0.8
    const scores = infoScores(labels(7, 7, 7, 7, 8, 8, 8, 8), labels(1, 1, 2, 2, 3, 3, 3, 3));
    expect(scores.vInfoSplit).toBeCloseTo(1, 14);
    expect(scores.vInfoMerge).toBeCloseTo(2 / 3, 14);
    expect(scores.vInfo).toBeCloseTo(0.8, 14);
  });

  it('scores a split as the mirror: merge 1, split = I/H(S) < 1', () => {
    const scores = infoScores(labels(1, 1, 2, 2, 3, 3, 3, 3), labels(7, 7, 7, 7, 8, 8, 8, 8));
    expect(scores.vInfoSplit).toBeCloseTo(2 / 3, 14);
    expect(scores.vInfoMerge).toBeCloseTo(1, 14);
    expect(scores.vInfo).toBeCloseTo(0.8, 14);
  });

  it('counts predicted border pixels as singletons and ignores ground-truth membrane', () => {
    // Truth A A B B (plus a membrane pixel, ignored); prediction 1 0 2 2 (pixel 1 is border).
    // S: {1}: 1/4, singleton: 1/4, {2}: 1/2 → H(S) = 1.5 ln 2; H(T) = ln 2; T is a function of
    // S, so I = H(T) = ln 2: split = 2/3, merge = 1, V_info = 0.8.
    const scores = infoScores(labels(1, 0, 2, 2, 5), labels(1, 1, 2, 2, 0));
    expect(scores.vInfoSplit).toBeCloseTo(2 / 3, 14);
    expect(scores.vInfoMerge).toBeCloseTo(1, 14);
    expect(scores.vInfo).toBeCloseTo(0.8, 14);
  });

  it('follows the reference where an entropy is 0: the score is 0', () => {
    // One ground-truth segment (H(T) = 0): split 1, merge 0.
    expect(infoScores(labels(1, 2, 3), labels(1, 1, 1))).toEqual({ vInfo: 0, vInfoSplit: 1, vInfoMerge: 0 });
    // One predicted segment over several true ones (H(S) = 0): split 0, merge 1.
    expect(infoScores(labels(1, 1, 1, 1), labels(1, 1, 2, 2))).toEqual({ vInfo: 0, vInfoSplit: 0, vInfoMerge: 1 });
    // Both (the second rule wins), even though the prediction is perfect.
    expect(infoScores(labels(1, 1, 1), labels(1, 1, 1))).toEqual({ vInfo: 0, vInfoSplit: 0, vInfoMerge: 1 });
    // Nothing scored.
    expect(infoScores(labels(1, 1), labels(0, 0))).toEqual({ vInfo: 1, vInfoSplit: 1, vInfoMerge: 1 });
  });

  it('agrees with entropies computed from a dense joint table on random segmentations', () => {
    let seed = 5;
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let trial = 0; trial < 20; trial++) {
      const size = 80;
      const truth = Int32Array.from({ length: size }, () => 1 + random(4));
      const predicted = Int32Array.from({ length: size }, () => random(5));
      // Relabel predicted border pixels as unique segments, then use textbook entropies.
      const relabelled = Array.from(predicted, (p, i) => (p === 0 ? 100 + i : p));
      const entropy = (keys: (string | number)[]) => {
        const counts = new Map<string | number, number>();
        for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
        return -[...counts.values()].reduce((sum, c) => sum + (c / size) * Math.log(c / size), 0);
      };
      const hs = entropy(relabelled);
      const ht = entropy([...truth]);
      const hst = entropy(relabelled.map((p, i) => `${p},${truth[i]}`));
      const information = hs + ht - hst;
      const scores = infoScores(predicted, truth);
      expect(scores.vInfoSplit).toBeCloseTo(information / hs, 12);
      expect(scores.vInfoMerge).toBeCloseTo(information / ht, 12);
      expect(scores.vInfo).toBeCloseTo((2 * information) / (hs + ht), 12);
    }
  });
});
