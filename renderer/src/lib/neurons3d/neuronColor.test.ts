import { describe, expect, it } from 'vitest';
import { colorKey, highlightColor, hslToRgb, neuronColor } from './neuronColor.js';

describe('neuronColor', () => {
  it('is stable, in range and distinct for neighbouring ids', () => {
    const keys = new Set<string>();
    for (let id = 1; id <= 200; id++) {
      const color = neuronColor(id);
      expect(color).toEqual(neuronColor(id));
      for (const channel of color) {
        expect(channel).toBeGreaterThanOrEqual(0);
        expect(channel).toBeLessThanOrEqual(1);
      }
      keys.add(colorKey(color));
    }
    expect(keys.size).toBe(200);
    const [a, b] = [neuronColor(7), neuronColor(8)];
    expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeGreaterThan(0.2);
  });
});

describe('hslToRgb', () => {
  it('gives the primaries', () => {
    const close = (actual: readonly number[], expected: number[]): void => expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value));
    close(hslToRgb(0, 1, 0.5), [1, 0, 0]);
    close(hslToRgb(120, 1, 0.5), [0, 1, 0]);
    close(hslToRgb(240, 1, 0.5), [0, 0, 1]);
    close(hslToRgb(60, 0, 0.25), [0.25, 0.25, 0.25]);
  });
});

describe('colorKey', () => {
  it('groups colours that look the same on screen', () => {
    expect(colorKey([1, 0, 0])).toBe('ff0000');
    expect(colorKey([0.6, 0.6, 0.6])).toBe(colorKey([0.6004, 0.5999, 0.6]));
    expect(colorKey([0.6, 0.6, 0.6])).not.toBe(colorKey([0.61, 0.6, 0.6]));
  });

  it('clamps out-of-range and missing values', () => {
    expect(colorKey([2, -1, Number.NaN])).toBe('ff0000');
  });
});

describe('highlightColor', () => {
  it('lifts dark colours too and stays in range', () => {
    const glow = highlightColor([0, 0, 0]);
    expect(Math.min(...glow)).toBeGreaterThan(0.1);
    expect(Math.max(...highlightColor([1, 1, 1]))).toBeLessThanOrEqual(1);
  });
});
