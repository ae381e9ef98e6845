import { describe, expect, it } from 'vitest';
import { tf } from '../model/tfjs.js';
import { setAdamLearningRate } from './adamState.js';
import { cosineLearningRate, learningRateAt } from './learningRate.js';

describe('cosineLearningRate', () => {
  it('falls from the initial rate to a hundredth of it along a half cosine', () => {
    expect(cosineLearningRate(1e-3, 0)).toBeCloseTo(1e-3, 12);
    expect(cosineLearningRate(1e-3, 0.5)).toBeCloseTo((1e-3 + 1e-5) / 2, 12);
    expect(cosineLearningRate(1e-3, 1)).toBeCloseTo(1e-5, 12);
    expect(cosineLearningRate(1e-3, 2)).toBeCloseTo(1e-5, 12);
    expect(cosineLearningRate(1e-3, 0.25)).toBeGreaterThan(cosineLearningRate(1e-3, 0.75));
  });
});

describe('learningRateAt', () => {
  it('warms up linearly, then follows the schedule', () => {
    expect(learningRateAt(1e-3, 'none', 4, 0, 0)).toBeCloseTo(2e-4, 12);
    expect(learningRateAt(1e-3, 'none', 4, 3, 0)).toBeCloseTo(8e-4, 12);
    expect(learningRateAt(1e-3, 'none', 4, 4, 0.5)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(1e-3, 'cosine', 0, 0, 0.5)).toBeCloseTo(cosineLearningRate(1e-3, 0.5), 12);
    expect(learningRateAt(1e-3, 'cosine', 10, 20, 1)).toBeCloseTo(1e-5, 12);
  });
});

describe('setAdamLearningRate', () => {
  it('changes the size of the next Adam steps', () => {
    const step = (learningRate: number): number => {
      const v = tf.variable(tf.scalar(1));
      const optimizer = tf.train.adam(1e-3);
      setAdamLearningRate(optimizer, learningRate);
      optimizer.minimize(() => tf.mul(v, v) as tf.Scalar);
      const moved = 1 - v.dataSync()[0]!;
      v.dispose();
      optimizer.dispose();
      return moved;
    };
    // Adam's first step moves each weight by about the learning rate.
    expect(step(0.1)).toBeCloseTo(0.1, 3);
    expect(step(0.01)).toBeCloseTo(0.01, 4);
  });

  it('refuses optimizers other than Adam', () => {
    expect(() => setAdamLearningRate(tf.train.sgd(0.1), 0.01)).toThrow(/Adam/);
  });
});
