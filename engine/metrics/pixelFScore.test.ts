import { describe, expect, it } from 'vitest';
import { pixelFScore } from './pixelFScore.js';

describe('pixelFScore', () => {
  it('is the harmonic mean of precision and recall of cell pixels', () => {
    // 3 true positives, 1 false positive: precision 3/4, recall 1 → F = 2·0.75/1.75 = 6/7
    expect(pixelFScore(3, 1, 0)).toBeCloseTo(6 / 7, 15);
    // precision 1, recall 2/3 → F = 0.8
    expect(pixelFScore(2, 0, 1)).toBeCloseTo(0.8, 15);
  });

  it('follows the reference conventions: no false positives → precision 1, nothing right → 0', () => {
    expect(pixelFScore(0, 0, 0)).toBe(1);
    expect(pixelFScore(0, 0, 4)).toBe(0);
    expect(pixelFScore(0, 2, 3)).toBe(0);
  });
});
