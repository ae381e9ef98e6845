// A U-Net in miniature for gradient checks: every layer kind the real model trains through
// (3×3 conv + relu, max-pool, 2×2 stride-2 transposed conv, skip concat, 1×1 sigmoid conv).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomValues } from './backendComparison.js';

export function buildTinyUnet(size: number): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 1] });
  const down = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  const pooled = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(down) as tfl.SymbolicTensor;
  const bottom = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(pooled) as tfl.SymbolicTensor;
  const up = tfl.layers.conv2dTranspose({ filters: 4, kernelSize: 2, strides: 2, padding: 'same' }).apply(bottom) as tfl.SymbolicTensor;
  const merged = tfl.layers.concatenate().apply([down, up]) as tfl.SymbolicTensor;
  const output = tfl.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(merged) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  // Same weights on every backend, with biases nonzero so that their gradients are exercised too.
  tf.tidy(() => model.setWeights(model.getWeights().map((w, i) => tf.mul(tf.tensor(randomValues(w.size, 1000 + i), w.shape), 0.5))));
  return model;
}

/** Mean binary cross-entropy of the model on (x, labels): the loss membrane training minimises. */
export function tinyUnetLoss(model: tfl.LayersModel, x: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.mean(tfl.metrics.binaryCrossentropy(labels, model.apply(x) as tf.Tensor)) as tf.Scalar;
}
