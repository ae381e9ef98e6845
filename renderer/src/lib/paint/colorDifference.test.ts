import { describe, expect, it } from 'vitest';
import { deltaE2000, labHue, rgbDifference, rgbToLab, simulateDichromacy, worstCaseDifference } from './colorDifference.js';

describe('rgbToLab', () => {
  it('matches the CIE values for white, black and sRGB red', () => {
    const white = rgbToLab([255, 255, 255]);
    expect(white[0]).toBeCloseTo(100, 2);
    expect(Math.abs(white[1])).toBeLessThan(0.01);
    expect(Math.abs(white[2])).toBeLessThan(0.01);
    expect(rgbToLab([0, 0, 0])).toEqual([0, 0, 0]);
    const red = rgbToLab([255, 0, 0]);
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
  });

  it('gives hue angles around the circle (red near 40°, blue near 306°)', () => {
    expect(labHue([255, 0, 0])).toBeCloseTo(40, 0);
    expect(labHue([0, 0, 255])).toBeCloseTo(306.3, 0);
  });
});

describe('deltaE2000', () => {
  // Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 17, 24 and 34.
  it.each([
    [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
    [[50, 0, 0], [50, -1, 2], 2.3669],
    [[50, 2.5, 0], [73, 25, -18], 27.1492],
    [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
    [[2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514], 0.9082],
  ] as const)('%j vs %j is %f', (a, b, expected) => {
    expect(deltaE2000(a, b)).toBeCloseTo(expected, 3);
    expect(deltaE2000(b, a)).toBeCloseTo(expected, 3);
  });

  it('is 0 for the same colour', () => {
    expect(rgbDifference([12, 200, 99], [12, 200, 99])).toBe(0);
  });
});

describe('simulateDichromacy', () => {
  it('leaves greys grey', () => {
    for (const kind of ['protanopia', 'deuteranopia', 'tritanopia'] as const) {
      const [r, g, b] = simulateDichromacy([128, 128, 128], kind);
      expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThanOrEqual(1);
    }
  });

  it('makes red and green hard to tell apart for the red- and green-blind, not for the blue-blind', () => {
    const red = [200, 60, 40] as const;
    const green = [110, 140, 40] as const;
    const worst = worstCaseDifference(red, green);
    expect(worst.normal).toBeGreaterThan(30);
    expect(worst.dichromat).toBeLessThan(10);
    expect(worst.kind).not.toBe('tritanopia');
  });
});
