import { describe, expect, it } from 'vitest';
import { tf } from '../model/tfjs.js';
import { membraneLoss } from './membraneLoss.js';

const t = (values: number[]): tf.Tensor => tf.tensor4d(values, [1, 1, values.length, 1]);

describe('membraneLoss', () => {
  it('is near zero for a confident correct prediction and large for a wrong one', () => {
    const target = t([1, 0, 0, 1]);
    const weight = t([1, 1, 1, 1]);
    const good = membraneLoss(t([0.999, 0.001, 0.001, 0.999]), target, weight).dataSync()[0]!;
    const bad = membraneLoss(t([0.001, 0.999, 0.999, 0.001]), target, weight).dataSync()[0]!;
    expect(good).toBeLessThan(0.01);
    expect(bad).toBeGreaterThan(2);
  });

  it('ignores pixels with zero weight', () => {
    const a = membraneLoss(t([0.9, 0.1, 0.9]), t([1, 0, 1]), t([1, 1, 0])).dataSync()[0]!;
    const b = membraneLoss(t([0.9, 0.1, 0.1]), t([1, 0, 1]), t([1, 1, 0])).dataSync()[0]!;
    expect(b).toBeCloseTo(a, 6);
  });
});
