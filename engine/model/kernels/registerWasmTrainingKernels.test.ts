import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from './registerWasmTrainingKernels.js';
import { randomValues, relativeError, setUpBackends, wasmDataIds } from './testing/backendComparison.js';
import { buildTinyUnet, tinyUnetLoss } from './testing/tinyUnet.js';

const SIZE = 12;
const BATCH = 2;

function batch(): { x: tf.Tensor; labels: tf.Tensor } {
  const shape = [BATCH, SIZE, SIZE, 1];
  const x = tf.abs(tf.tensor(randomValues(BATCH * SIZE * SIZE, 5), shape));
  const labels = tf.tensor(Array.from(randomValues(BATCH * SIZE * SIZE, 6), (v) => (v > 0 ? 1 : 0)), shape);
  return { x, labels };
}

function trainable(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Loss and the gradient of every trainable weight, in layer order, computed on `backend`. */
async function lossAndGradients(backend: 'wasm' | 'cpu'): Promise<{ loss: number; gradients: Float32Array[] }> {
  await tf.setBackend(backend);
  const model = buildTinyUnet(SIZE);
  const variables = trainable(model);
  const [loss, ...gradients] = tf.tidy(() => {
    const { x, labels } = batch();
    const { value, grads } = tf.variableGrads(() => tinyUnetLoss(model, x, labels), variables);
    return [value, ...variables.map((v) => grads[v.name]!)];
  });
  try {
    return { loss: loss!.dataSync()[0]!, gradients: gradients.map((g) => Float32Array.from(g.dataSync())) };
  } finally {
    tf.dispose([loss!, ...gradients]);
    model.dispose();
  }
}

describe('registerWasmTrainingKernels', () => {
  beforeAll(setUpBackends);
  afterEach(() => registerWasmTrainingKernels());

  it('is idempotent and restorable', () => {
    const warn = vi.spyOn(console, 'warn');
    registerWasmTrainingKernels();
    const filter = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!.kernelFunc;
    const input = tf.getKernel(tf.Conv2DBackpropInput, 'wasm')!;
    registerWasmTrainingKernels();
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!.kernelFunc).toBe(filter);
    expect(tf.getKernel(tf.Conv2DBackpropInput, 'wasm')!.kernelFunc).toBe(input.kernelFunc);
    // The stock kernel's setupFunc binds its C++ function; the fallback needs it kept.
    expect(input.setupFunc).toBeTypeOf('function');
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();

    unregisterWasmTrainingKernels();
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeUndefined(); // what tfjs-backend-wasm 4.22 ships
    expect(tf.getKernel(tf.Conv2DBackpropInput, 'wasm')!.kernelFunc).not.toBe(input.kernelFunc);
    registerWasmTrainingKernels();
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!.kernelFunc).toBe(filter);
  });

  it('gives a small U-Net the same loss and gradients on wasm as on cpu, without leaks', async () => {
    const reference = await lossAndGradients('cpu');
    await lossAndGradients('wasm'); // first run creates lazily allocated state
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const buffers = wasmDataIds();
    const actual = await lossAndGradients('wasm');
    await tf.setBackend('wasm');
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmDataIds()).toBe(buffers);

    expect(Math.abs(actual.loss - reference.loss) / reference.loss).toBeLessThan(1e-5);
    expect(actual.gradients).toHaveLength(reference.gradients.length);
    for (const [i, expected] of reference.gradients.entries()) {
      expect(relativeError(actual.gradients[i]!, expected), `gradient ${i}`).toBeLessThan(1e-4);
    }
  });

  it('gives gradients on wasm that agree with finite differences of the loss', async () => {
    const { gradients } = await lossAndGradients('wasm');
    await tf.setBackend('wasm');
    const model = buildTinyUnet(SIZE);
    const { x, labels } = batch();
    const loss = () => tf.tidy(() => tinyUnetLoss(model, x, labels).dataSync()[0]!);
    const variables = trainable(model);
    const epsilon = 1e-2;
    try {
      // The kernels of the first conv, the transposed conv and the output conv, at their largest gradient.
      for (const index of [0, 4, 6]) {
        const variable = variables[index]!;
        const gradient = gradients[index]!;
        const at = gradient.reduce((best, g, i) => (Math.abs(g) > Math.abs(gradient[best]!) ? i : best), 0);
        const original = variable.dataSync().slice();
        const lossWith = (delta: number) => {
          const values = original.slice();
          values[at] = (values[at] ?? 0) + delta;
          tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
          return loss();
        };
        const numeric = (lossWith(epsilon) - lossWith(-epsilon)) / (2 * epsilon);
        tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
        expect(Math.abs(numeric - gradient[at]!) / Math.abs(gradient[at]!), `weight ${index}[${at}]`).toBeLessThan(2e-2);
      }
    } finally {
      model.dispose();
      tf.dispose([x, labels]);
    }
  });
});
