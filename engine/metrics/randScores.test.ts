import { describe, expect, it } from 'vitest';
import { contingencyTable } from './ContingencyTable.js';
import { randScores, randScoresFromSums, randSums } from './randScores.js';

const labels = (...values: number[]) => Int32Array.from(values);

describe('randScores', () => {
  it('scores identical segmentations 1', () => {
    // Truth A A . B B (0 = membrane), prediction the same with other ids.
    expect(randScores(labels(5, 5, 0, 9, 9), labels(1, 1, 0, 2, 2))).toEqual({ vRand: 1, vRandSplit: 1, vRandMerge: 1 });
  });

  it('scores a merge: split 1, merge < 1', () => {
    // Truth: A (2 px), B (2 px), C (4 px); the prediction merges A and B into X.
    // Counts n_ij: (A,X)=2 (B,X)=2 (C,Y)=4 → Σn² = 4+4+16 = 24
    // truth sizes 2, 2, 4 → Σt² = 24; predicted sizes 4, 4 → Σs² = 32
    // split = 24/24 = 1, merge = 24/32 = 0.75, V_rand = 2·1·0.75/1.75 = 6/7
    const truth = labels(1, 1, 2, 2, 3, 3, 3, 3);
    const merged = labels(7, 7, 7, 7, 8, 8, 8, 8);
    const scores = randScores(merged, truth);
    expect(scores.vRandSplit).toBe(1);
    expect(scores.vRandMerge).toBe(0.75);
    expect(scores.vRand).toBeCloseTo(6 / 7, 15);
  });

  it('scores a split as the mirror: merge 1, split < 1', () => {
    // Truth: X (4 px), C (4 px); the prediction splits X into two 2-pixel segments.
    // Σn² = 4+4+16 = 24, Σt² = 16+16 = 32, Σs² = 4+4+16 = 24 → split 0.75, merge 1
    const truth = labels(1, 1, 1, 1, 2, 2, 2, 2);
    const split = labels(1, 1, 2, 2, 3, 3, 3, 3);
    expect(randScores(split, truth)).toEqual({ vRand: 6 / 7, vRandSplit: 0.75, vRandMerge: 1 });
  });

  it('ignores pixels that are membrane in the ground truth (foreground restriction)', () => {
    // Whatever the prediction does on the truth's membrane pixel (index 2), nothing changes.
    const truth = labels(1, 1, 0, 2, 2);
    for (const predicted of [labels(1, 1, 0, 2, 2), labels(1, 1, 1, 2, 2), labels(1, 1, 3, 2, 2)]) {
      expect(randScores(predicted, truth).vRand).toBe(1);
    }
  });

  it('counts predicted border pixels inside ground-truth cells as singletons', () => {
    // Truth A A B B; prediction 1 0 2 2: pixel 1 is predicted border, a segment of its own.
    // Σn² = 1 (A,1) + 4 (B,2) + 1 singleton = 6; Σt² = 4+4 = 8; Σs² = 1 + 4 + 1 = 6
    // split = 6/8 = 0.75, merge = 1, V_rand = 6/7
    expect(randScores(labels(1, 0, 2, 2), labels(1, 1, 2, 2))).toEqual({ vRand: 6 / 7, vRandSplit: 0.75, vRandMerge: 1 });
    // Singletons are not one segment: two border pixels in one cell are two segments.
    // Truth A A A A; prediction 0 0 1 1: Σn² = 4 + 1 + 1 = 6, Σt² = 16, Σs² = 6 → split 0.375
    expect(randScores(labels(0, 0, 1, 1), labels(1, 1, 1, 1)).vRandSplit).toBe(0.375);
  });

  it('scores only the optional foreground mask (for example a proofread region)', () => {
    // Only pixels 0, 1 and 4 are scored: (A,1)=2, (B,1)=1 → Σn² = 5, Σt² = 4+1 = 5, Σs² = 9
    const scores = randScores(labels(1, 1, 1, 1, 1), labels(1, 1, 2, 2, 2), Uint8Array.of(1, 1, 0, 0, 1));
    expect(scores).toEqual({ vRand: (2 * 1 * (5 / 9)) / (1 + 5 / 9), vRandSplit: 1, vRandMerge: 5 / 9 });
  });

  it('pools slices by adding their sums, and scores 1 when nothing is scored', () => {
    const a = randSums(contingencyTable(labels(1, 1, 1, 1), labels(1, 1, 2, 2)));
    expect(a).toEqual({ joint: 8, truth: 8, predicted: 16 });
    expect(randScoresFromSums({ joint: 0, truth: 0, predicted: 0 })).toEqual({ vRand: 1, vRandSplit: 1, vRandMerge: 1 });
    expect(randScores(labels(1, 2), labels(0, 0)).vRand).toBe(1);
  });

  it('agrees with counting pixel pairs one by one on random segmentations', () => {
    let seed = 11;
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let trial = 0; trial < 20; trial++) {
      const size = 60;
      const truth = Int32Array.from({ length: size }, () => random(4));
      const predicted = Int32Array.from({ length: size }, () => random(6));
      const scores = randScores(predicted, truth);
      // Ordered pairs (i, j) of scored pixels, self-pairs included (the N² normalisation);
      // a predicted border pixel is in the same predicted segment only as itself.
      let same = 0;
      let sameTruth = 0;
      let samePredicted = 0;
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          if (truth[i] === 0 || truth[j] === 0) continue;
          const t = truth[i] === truth[j];
          const p = i === j || (predicted[i] !== 0 && predicted[i] === predicted[j]);
          same += t && p ? 1 : 0;
          sameTruth += t ? 1 : 0;
          samePredicted += p ? 1 : 0;
        }
      }
      expect(scores.vRandSplit).toBeCloseTo(same / sameTruth, 14);
      expect(scores.vRandMerge).toBeCloseTo(same / samePredicted, 14);
    }
  });

  it('rejects label images of different sizes', () => {
    expect(() => randScores(labels(1, 2), labels(1, 2, 3))).toThrow(/differ in size \(predicted 2, truth 3 pixels\)/);
  });
});
