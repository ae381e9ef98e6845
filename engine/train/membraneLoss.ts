import { tf } from '../model/tfjs.js';

/**
 * Cross-entropy plus soft Dice on the membrane class, both masked by `weight` (0 = unlabelled).
 * Cross-entropy alone lets a net trade thin membranes for the majority cell class; the Dice term
 * scores membrane overlap directly, which keeps one-pixel gaps (that merge neurons) costly.
 */
export function membraneLoss(prediction: tf.Tensor, target: tf.Tensor, weight: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const eps = 1e-6;
    const p = tf.clipByValue(prediction, eps, 1 - eps);
    const crossEntropy = tf.neg(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))));
    const labelled = tf.add(tf.sum(weight), eps);
    const bce = tf.div(tf.sum(tf.mul(crossEntropy, weight)), labelled);
    const intersection = tf.sum(tf.mul(tf.mul(p, target), weight));
    const total = tf.add(tf.sum(tf.mul(p, weight)), tf.sum(tf.mul(target, weight)));
    const dice = tf.sub(1, tf.div(tf.add(tf.mul(2, intersection), 1), tf.add(total, 1)));
    return tf.add(bce, dice) as tf.Scalar;
  });
}
