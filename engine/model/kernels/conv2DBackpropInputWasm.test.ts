import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConv2DBackpropInputWasm } from './conv2DBackpropInputWasm.js';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from './registerWasmTrainingKernels.js';
import { conv2DGradientCases, outputShapeOf, type Conv2DGradientCase } from './testing/conv2DGradientCases.js';
import { onBackend, randomValues, relativeError, setUpBackends, sizeOf, wasmDataIds } from './testing/backendComparison.js';

/** Geometries the custom kernel hands to the stock one (overlapping strides, padding wider than the kernel). */
const STOCK_CASES = new Set(['2×2 stride 2 valid, odd size', '3×3 stride 2 same', '3×3 strides [2, 1] valid', '3×3 padding wider than the kernel']);

function attrsOf(c: Conv2DGradientCase): tf.NamedAttrMap {
  return { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x, ...(c.dimRoundingMode ? { dimRoundingMode: c.dimRoundingMode } : {}) };
}

function inputs(c: Conv2DGradientCase, seed: number): { dy: tf.Tensor; filter: tf.Tensor } {
  const dyShape = outputShapeOf(c);
  return { dy: tf.tensor(randomValues(sizeOf(dyShape), seed), dyShape), filter: tf.tensor(randomValues(sizeOf(c.filter), seed + 1), c.filter) };
}

function backpropInput(backend: 'wasm' | 'cpu', c: Conv2DGradientCase, seed: number): Promise<Float32Array[]> {
  return onBackend(backend, () => tf.engine().runKernel(tf.Conv2DBackpropInput, { ...inputs(c, seed) }, attrsOf(c)) as tf.Tensor);
}

describe('Conv2DBackpropInput on wasm', () => {
  beforeAll(setUpBackends);

  it.each(conv2DGradientCases.map((c, i) => [c.name, c, i] as const))('matches the cpu backend: %s', async (_name, c, i) => {
    const [expected] = await backpropInput('cpu', c, 200 + i);
    const [actual] = await backpropInput('wasm', c, 200 + i);
    expect(relativeError(actual!, expected!)).toBeLessThan(1e-4);
  });

  it('matches the cpu backend for a 2×2 stride-2 transposed convolution (U-Net up-sampling)', async () => {
    const up = () => {
      const x = tf.tensor4d(randomValues(3 * 7 * 5 * 8, 11), [3, 7, 5, 8]);
      const filter = tf.tensor4d(randomValues(2 * 2 * 4 * 8, 12), [2, 2, 4, 8]); // [kh, kw, out, in]
      return tf.conv2dTranspose(x, filter, [3, 14, 10, 4], 2, 'valid');
    };
    const [expected] = await onBackend('cpu', up);
    const [actual] = await onBackend('wasm', up);
    expect(relativeError(actual!, expected!)).toBeLessThan(1e-4);
  });

  it('uses its own paths where it can and the stock kernel elsewhere', async () => {
    unregisterWasmTrainingKernels();
    const stock = tf.getKernel(tf.Conv2DBackpropInput, 'wasm')!.kernelFunc;
    registerWasmTrainingKernels();
    const fellBack: string[] = [];
    let current = '';
    const kernel = createConv2DBackpropInputWasm((args) => {
      fellBack.push(current);
      return stock(args);
    });
    await tf.setBackend('wasm');
    for (const [i, c] of conv2DGradientCases.entries()) {
      current = c.name;
      const [expected] = await backpropInput('cpu', c, 300 + i);
      const [actual] = await onBackend('wasm', () => {
        const info = kernel({ inputs: inputs(c, 300 + i), backend: tf.backend() as BackendWasm, attrs: attrsOf(c) }) as tf.TensorInfo;
        return tf.engine().makeTensorFromTensorInfo(info);
      });
      expect(relativeError(actual!, expected!), c.name).toBeLessThan(1e-4);
    }
    expect(new Set(fellBack)).toEqual(STOCK_CASES);
  });

  it('leaves no tensors or wasm buffers behind', async () => {
    await backpropInput('wasm', conv2DGradientCases[0]!, 1); // warm up lazily created state
    const tensors = tf.memory().numTensors;
    const buffers = wasmDataIds();
    for (const [i, c] of conv2DGradientCases.entries()) await backpropInput('wasm', c, i);
    await tf.setBackend('wasm');
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmDataIds()).toBe(buffers);
  });

  it('refuses dilation other than 1 and NCHW data, naming the attribute', async () => {
    await tf.setBackend('wasm');
    const c = conv2DGradientCases[0]!;
    const run = (attrs: tf.NamedAttrMap) => tf.tidy(() => void tf.engine().runKernel(tf.Conv2DBackpropInput, { ...inputs(c, 1) }, { ...attrsOf(c), ...attrs }));
    expect(() => run({ dilations: [1, 2] })).toThrow(/dilations=\[1,2\]/);
    expect(() => run({ dataFormat: 'NCHW' })).toThrow(/dataFormat='NCHW'/);
  });
});
