import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConv2DBackpropFilterWasm } from './conv2DBackpropFilterWasm.js';
import { conv2DGradientCases, outputShapeOf, type Conv2DGradientCase } from './testing/conv2DGradientCases.js';
import { onBackend, randomValues, relativeError, setUpBackends, sizeOf, wasmDataIds } from './testing/backendComparison.js';

function attrsOf(c: Conv2DGradientCase): tf.NamedAttrMap {
  return { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter, ...(c.dimRoundingMode ? { dimRoundingMode: c.dimRoundingMode } : {}) };
}

function backpropFilter(backend: 'wasm' | 'cpu', c: Conv2DGradientCase, seed: number): Promise<Float32Array[]> {
  const dyShape = outputShapeOf(c);
  return onBackend(backend, () => {
    const x = tf.tensor(randomValues(sizeOf(c.x), seed), c.x);
    const dy = tf.tensor(randomValues(sizeOf(dyShape), seed + 1), dyShape);
    return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrsOf(c)) as tf.Tensor;
  });
}

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(setUpBackends);

  it.each(conv2DGradientCases.map((c, i) => [c.name, c, i] as const))('matches the cpu backend: %s', async (_name, c, i) => {
    const [expected] = await backpropFilter('cpu', c, 100 + i);
    const [actual] = await backpropFilter('wasm', c, 100 + i);
    expect(relativeError(actual!, expected!)).toBeLessThan(1e-4);
  });

  it('gives the same result when the taps are split into several matmuls', async () => {
    const c = conv2DGradientCases.find((k) => k.filter[0] === 5) ?? conv2DGradientCases[0]!;
    const [expected] = await backpropFilter('cpu', c, 7);
    await tf.setBackend('wasm');
    // A budget of about one tap's patch matrix forces 25 groups instead of 1.
    const kernel = createConv2DBackpropFilterWasm(c.x[3] * sizeOf(c.x) * 4);
    const [actual] = await onBackend('wasm', () => {
      const dyShape = outputShapeOf(c);
      const x = tf.tensor(randomValues(sizeOf(c.x), 7), c.x);
      const dy = tf.tensor(randomValues(sizeOf(dyShape), 8), dyShape);
      const info = kernel({ inputs: { x, dy }, backend: tf.backend() as BackendWasm, attrs: attrsOf(c) }) as tf.TensorInfo;
      return tf.engine().makeTensorFromTensorInfo(info);
    });
    expect(relativeError(actual!, expected!)).toBeLessThan(1e-4);
  });

  it('leaves no tensors or wasm buffers behind', async () => {
    await backpropFilter('wasm', conv2DGradientCases[0]!, 1); // warm up lazily created state
    const tensors = tf.memory().numTensors;
    const buffers = wasmDataIds();
    for (const [i, c] of conv2DGradientCases.entries()) await backpropFilter('wasm', c, i);
    await tf.setBackend('wasm');
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmDataIds()).toBe(buffers);
  });

  it('refuses dilation other than 1 and NCHW data, naming the attribute', async () => {
    await tf.setBackend('wasm');
    const c = conv2DGradientCases[0]!;
    const run = (attrs: tf.NamedAttrMap) =>
      tf.tidy(() => {
        const x = tf.zeros(c.x);
        const dy = tf.zeros(outputShapeOf(c));
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrsOf(c), ...attrs });
      });
    expect(() => run({ dilations: 2 })).toThrow(/dilations=2/);
    expect(() => run({ dataFormat: 'NCHW' })).toThrow(/dataFormat='NCHW'/);
  });
});
