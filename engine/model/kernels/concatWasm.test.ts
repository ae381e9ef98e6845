import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './registerWasmTrainingKernels.js';
import { randomValues, setUpBackends } from './testing/backendComparison.js';

beforeAll(async () => {
  await setUpBackends();
  registerWasmTrainingKernels();
});

/** The concatenation of tensors of these shapes on `backend`, as a flat array. */
async function concatOn(backend: 'wasm' | 'cpu', shapes: number[][], axis: number, dtype: 'float32' | 'int32' = 'float32'): Promise<number[]> {
  await tf.setBackend(backend);
  const result = tf.tidy(() => {
    const tensors = shapes.map((shape, k) => {
      const values = Array.from(randomValues(shape.reduce((a, b) => a * b, 1), 10 + k), (v) => (dtype === 'int32' ? Math.round(v * 100) : v));
      return tf.tensor(values, shape, dtype);
    });
    return tf.concat(tensors, axis);
  });
  const values = Array.from(await result.data());
  result.dispose();
  return values;
}

describe('Concat on wasm', () => {
  const cases: [string, number[][], number][] = [
    ['a U-Net skip: channels 16 + 16', [[1, 9, 7, 16], [1, 9, 7, 16]], 3],
    ['unequal channels, three inputs', [[2, 5, 3, 1], [2, 5, 3, 4], [2, 5, 3, 2]], -1],
    ['a middle axis', [[2, 3, 4, 5], [2, 1, 4, 5]], 1],
    ['the first axis', [[2, 3], [4, 3]], 0],
    ['long blocks (the stock kernel)', [[2, 300], [2, 400]], 1],
  ];
  for (const [name, shapes, axis] of cases) {
    it(`matches the cpu backend: ${name}`, async () => {
      expect(await concatOn('wasm', shapes, axis)).toEqual(await concatOn('cpu', shapes, axis));
    });
  }

  it('concatenates int32 and leaves strings to the stock kernel', async () => {
    expect(await concatOn('wasm', [[3, 2], [3, 1]], 1, 'int32')).toEqual(await concatOn('cpu', [[3, 2], [3, 1]], 1, 'int32'));
    await tf.setBackend('wasm');
    const joined = tf.concat([tf.tensor(['a', 'b'], [2, 1]), tf.tensor(['c', 'd'], [2, 1])], 1);
    expect(await joined.data()).toEqual(['a', 'c', 'b', 'd']);
    joined.dispose();
  });
});
