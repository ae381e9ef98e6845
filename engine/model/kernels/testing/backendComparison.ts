// Helpers for tests that run the same computation on the wasm backend (with the training
// kernels) and on the cpu backend (the reference). tfjs backends are global state, so every
// computation switches explicitly and copies its results out before the next switch.
import '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from '../registerWasmTrainingKernels.js';

export type BackendName = 'wasm' | 'cpu';

/** Initialises both backends once and installs the training kernels; leaves 'wasm' active. */
export async function setUpBackends(): Promise<void> {
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('cpu')) || !(await tf.setBackend('wasm'))) throw new Error('Could not initialise the cpu and wasm tfjs backends.');
}

/** Runs `compute` inside tidy() on `backend` and returns copies of its outputs' values (the cpu backend hands out its own storage). */
export async function onBackend(backend: BackendName, compute: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  // Values are copied outside tidy(): tidy walks every element of a typed array it returns.
  const outputs = tf.tidy(() => {
    const result = compute();
    return Array.isArray(result) ? result : [result];
  });
  try {
    return outputs.map((t) => Float32Array.from(t.dataSync()));
  } finally {
    tf.dispose(outputs);
  }
}

/** Number of buffers the wasm backend holds, which catches kernel intermediates that tf.memory() cannot see. */
export function wasmDataIds(): number {
  return (tf.findBackend('wasm') as BackendWasm).numDataIds();
}

/** max |actual - expected| divided by max |expected| (by the absolute error if expected is all zero). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let error = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] ?? NaN;
    const e = expected[i] ?? NaN;
    const difference = Math.abs(a - e);
    if (!(difference <= error)) error = Number.isNaN(difference) ? Infinity : difference;
    scale = Math.max(scale, Math.abs(e));
  }
  return scale > 0 ? error / scale : error;
}

/** Deterministic uniform values in [-1, 1) (Park–Miller), so failures reproduce. */
export function randomValues(count: number, seed: number): Float32Array {
  let state = (seed % 2147483646) + 1;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (state * 16807) % 2147483647;
    values[i] = (state / 2147483647) * 2 - 1;
  }
  return values;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
