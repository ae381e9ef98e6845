import { describe, expect, it } from 'vitest';
import { ISBI_THRESHOLDS, isCell } from './isbiThresholds.js';

describe('ISBI_THRESHOLDS', () => {
  it('are the reference sweep: 11 steps, t from 1 down to 0, cell thresholds accumulated like Fiji', () => {
    expect(ISBI_THRESHOLDS.map((step) => step.threshold)).toEqual([1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0]);
    // Java's `for (th = 0; th <= 1; th += 0.1)`: rounding errors included, and 1 itself never reached.
    expect(ISBI_THRESHOLDS[3]!.cellThreshold).toBe(0.30000000000000004);
    expect(ISBI_THRESHOLDS[5]!.cellThreshold).toBe(0.5);
    expect(ISBI_THRESHOLDS[10]!.cellThreshold).toBe(0.9999999999999999);
  });
});

describe('isCell', () => {
  const at = (t: number) => ISBI_THRESHOLDS.find((step) => step.threshold === t)!.cellThreshold;

  it('is cell below the membrane threshold and membrane at or above it, away from ties', () => {
    expect(isCell(0.45, at(0.5))).toBe(true);
    expect(isCell(0.55, at(0.5))).toBe(false);
    expect(isCell(0.5, at(0.5))).toBe(false);
  });

  it('keeps certain membrane border and certain cell cell at both ends, as the reference does', () => {
    for (const step of ISBI_THRESHOLDS) {
      expect(isCell(1, step.cellThreshold)).toBe(false);
      expect(isCell(0, step.cellThreshold)).toBe(true);
    }
    // t = 1 is Fiji's "binary proposal" step: anything below certain membrane is cell ...
    expect(isCell(0.999, at(1))).toBe(true);
    // ... and t = 0 keeps only certain cell.
    expect(isCell(0.001, at(0))).toBe(false);
  });

  it('breaks exact ties of 8-bit maps by 32-bit float rounding, as Fiji on a float export would', () => {
    // 51/255 = 0.2: 1 − 0.2 rounds up to 0.800000011920929 in float32, above 0.7999999999999999.
    expect(isCell(Math.fround(51 / 255), at(0.2))).toBe(true);
    // 153/255 = 0.6: 1 − 0.6 rounds down to 0.39999997615814209, not above 0.4.
    expect(isCell(Math.fround(153 / 255), at(0.6))).toBe(false);
  });
});
