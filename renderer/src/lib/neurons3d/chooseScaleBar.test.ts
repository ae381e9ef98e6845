import { describe, expect, it } from 'vitest';
import { chooseScaleBar, formatScaleLength, pixelsPerUmAt, SCALE_BAR_MAX_PIXELS, SCALE_BAR_MIN_PIXELS } from './chooseScaleBar.js';

describe('chooseScaleBar', () => {
  it('picks the 1-2-5 length whose bar falls in 80..160 px', () => {
    expect(chooseScaleBar(100)).toEqual({ lengthUm: 1, pixels: 100 });
    expect(chooseScaleBar(45)).toEqual({ lengthUm: 2, pixels: 90 });
    expect(chooseScaleBar(30)).toEqual({ lengthUm: 5, pixels: 150 });
    expect(chooseScaleBar(0.05)).toEqual({ lengthUm: 2000, pixels: 100 });
  });

  it('gives exact decimal lengths below 1 µm', () => {
    expect(chooseScaleBar(700).lengthUm).toBe(0.2);
    expect(chooseScaleBar(2000).lengthUm).toBe(0.05);
  });

  it('takes the nearer length when the 2→5 step jumps over the range', () => {
    // 2 µm = 70 px (1.14× short), 5 µm = 175 px (1.09× long).
    expect(chooseScaleBar(35).lengthUm).toBe(5);
    // 2 µm = 64 px (1.25× short), 5 µm = 160 px (in range).
    expect(chooseScaleBar(32).lengthUm).toBe(5);
  });

  it('stays in range across zoom levels wherever the series allows', () => {
    for (let pixelsPerUm = 0.01; pixelsPerUm < 1e5; pixelsPerUm *= 1.07) {
      const { lengthUm, pixels } = chooseScaleBar(pixelsPerUm);
      expect(pixels).toBeCloseTo(lengthUm * pixelsPerUm);
      expect(pixels).toBeGreaterThanOrEqual(SCALE_BAR_MIN_PIXELS / 1.25);
      expect(pixels).toBeLessThanOrEqual(SCALE_BAR_MAX_PIXELS * 1.25);
      const mantissa = lengthUm / 10 ** Math.floor(Math.log10(lengthUm) + 1e-9);
      expect([1, 2, 5]).toContain(Math.round(mantissa));
    }
  });

  it('gives no bar for a view with no size', () => {
    expect(chooseScaleBar(0)).toEqual({ lengthUm: 0, pixels: 0 });
    expect(chooseScaleBar(Number.NaN)).toEqual({ lengthUm: 0, pixels: 0 });
  });
});

describe('pixelsPerUmAt', () => {
  it('follows the visible height at the given distance', () => {
    // A 90° field of view shows 2 × distance: 2 µm over 500 px.
    expect(pixelsPerUmAt(1000, 90, 500)).toBeCloseTo(250);
    expect(pixelsPerUmAt(2000, 90, 500)).toBeCloseTo(125);
    expect(pixelsPerUmAt(0, 90, 500)).toBe(0);
  });
});

describe('formatScaleLength', () => {
  it('writes nm below 1 µm', () => {
    expect(formatScaleLength(0.5)).toBe('500 nm');
    expect(formatScaleLength(0.05)).toBe('50 nm');
    expect(formatScaleLength(2)).toBe('2 µm');
    expect(formatScaleLength(1000)).toBe('1000 µm');
  });
});
