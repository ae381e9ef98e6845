import { describe, expect, it } from 'vitest';
import { prominentMaxima } from './prominentMaxima.js';

/** A 1-pixel-high map from a list of values. */
function row(values: number[]): Float32Array {
  return Float32Array.from(values);
}

describe('prominentMaxima', () => {
  // Peaks 5 (at 2) and 4 (at 8), saddle 2 between them; a separate region peaking at 3 (at 12).
  const values = row([1, 3, 5, 3, 2, 2, 2, 3, 4, 1, 0, 1, 3, 1]);
  const width = values.length;

  it('keeps maxima that rise far enough above their saddle, and one per separate region', () => {
    expect(Array.from(prominentMaxima(values, width, 1, { prominence: 2 })).sort((a, b) => a - b)).toEqual([2, 8, 12]);
    expect(Array.from(prominentMaxima(values, width, 1, { prominence: 2.5 })).sort((a, b) => a - b)).toEqual([2, 12]);
    // Pixels at 0 separate regions: the peak at 12 counts whatever the prominence.
    expect(Array.from(prominentMaxima(values, width, 1, { prominence: 100 })).sort((a, b) => a - b)).toEqual([2, 12]);
  });

  it('with a neck ratio, splits only where the saddle is low relative to the peak', () => {
    // Saddle 2 is half of the lower peak 4: kept at ratio 0.5, not at 0.4.
    expect(Array.from(prominentMaxima(values, width, 1, { prominence: 1, neckRatio: 0.5 })).sort((a, b) => a - b)).toEqual([2, 8, 12]);
    expect(Array.from(prominentMaxima(values, width, 1, { prominence: 1, neckRatio: 0.4 })).sort((a, b) => a - b)).toEqual([2, 12]);
  });

  it('gives one pixel for a plateau and for equal peaks joined high up', () => {
    expect(prominentMaxima(row([1, 4, 4, 4, 1]), 5, 1, { prominence: 0.5 }).length).toBe(1);
    expect(prominentMaxima(row([1, 4, 3.8, 4, 1]), 5, 1, { prominence: 0.5 }).length).toBe(1);
    expect(prominentMaxima(row([1, 4, 1, 4, 1]), 5, 1, { prominence: 0.5 }).length).toBe(2);
  });

  it('joins diagonal neighbours (8-connected)', () => {
    // Two peaks touching only at a corner are one region: only the higher one counts.
    const map = Float32Array.from([5, 0, 0, 4]);
    expect(Array.from(prominentMaxima(map, 2, 2, { prominence: 10 }))).toEqual([0]);
  });

  it('refuses Infinity', () => {
    expect(() => prominentMaxima(row([1, Infinity]), 2, 1, { prominence: 1 })).toThrow(/Infinity/);
  });
});
