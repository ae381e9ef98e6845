import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
// The gradient functions (tf.grads through concat) come with tfjs-layers, which tfjs.ts imports.
import '../tfjs.js';
import { registerWasmTrainingKernels } from './registerWasmTrainingKernels.js';
import { randomValues, setUpBackends, wasmDataIds } from './testing/backendComparison.js';

beforeAll(async () => {
  await setUpBackends();
  registerWasmTrainingKernels();
});

/** The parts of a tensor of this shape split on `backend`, as flat arrays with their shapes. */
async function splitOn(backend: 'wasm' | 'cpu', shape: number[], sizes: number[] | number, axis: number, dtype: 'float32' | 'int32' = 'float32'): Promise<{ shape: number[]; values: number[] }[]> {
  await tf.setBackend(backend);
  const parts = tf.tidy(() => {
    const values = Array.from(randomValues(shape.reduce((a, b) => a * b, 1), 3), (v) => (dtype === 'int32' ? Math.round(v * 100) : v));
    return tf.split(tf.tensor(values, shape, dtype), sizes, axis);
  });
  const result = await Promise.all(parts.map(async (p) => ({ shape: p.shape, values: Array.from(await p.data()) })));
  tf.dispose(parts);
  return result;
}

describe('SplitV on wasm', () => {
  const cases: [string, number[], number[] | number, number][] = [
    ['a U-Net skip gradient: channels 16 + 16', [1, 9, 7, 32], [16, 16], 3],
    ['odd parts, three outputs', [2, 5, 3, 7], [1, 4, 2], -1],
    ['a middle axis', [2, 6, 4, 5], [2, 4], 1],
    ['the first axis', [6, 3], 3, 0],
    ['long blocks (the stock kernel)', [2, 700], [300, 400], 1],
  ];
  for (const [name, shape, sizes, axis] of cases) {
    it(`matches the cpu backend: ${name}`, async () => {
      expect(await splitOn('wasm', shape, sizes, axis)).toEqual(await splitOn('cpu', shape, sizes, axis));
    });
  }

  it('splits int32, leaves no buffers behind, and gives the gradient of concat', async () => {
    expect(await splitOn('wasm', [3, 4], [1, 3], 1, 'int32')).toEqual(await splitOn('cpu', [3, 4], [1, 3], 1, 'int32'));
    await tf.setBackend('wasm');
    const buffers = wasmDataIds();
    await splitOn('wasm', [1, 9, 7, 32], [16, 16], 3);
    await tf.setBackend('wasm');
    expect(wasmDataIds()).toBe(buffers);
    const a = tf.tensor(randomValues(2 * 3 * 4, 1), [2, 3, 4]);
    const b = tf.tensor(randomValues(2 * 3 * 2, 2), [2, 3, 2]);
    const weights = tf.tensor(randomValues(2 * 3 * 6, 4), [2, 3, 6]);
    const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 2), weights)))([a, b]);
    expect(Array.from(await da!.data())).toEqual(Array.from(await tf.slice(weights, [0, 0, 0], [2, 3, 4]).data()));
    expect(Array.from(await db!.data())).toEqual(Array.from(await tf.slice(weights, [0, 0, 4], [2, 3, 2]).data()));
    tf.dispose([a, b, weights, da!, db!]);
  });
});
