// Timing of the wasm training kernels against the stock ones; prints the table in README.md.
// Skipped unless asked for, because it takes seconds and its numbers depend on the machine:
//   MEMBRANA_KERNEL_TIMING=1 npx vitest run engine/model/kernels/conv2DGradientTiming
import type * as TF from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

type Shape4 = [number, number, number, number];

describe.runIf(process.env.MEMBRANA_KERNEL_TIMING === '1')('wasm conv gradient timing', () => {
  it('times x = dy = [2, 128, 128, 32] with a 3×3 filter, and a 2×2 stride-2 transposed conv', { timeout: 600_000 }, async () => {
    // Loaded here so that the skipped suite costs nothing.
    const tf = await import('@tensorflow/tfjs-core');
    const { registerWasmTrainingKernels, unregisterWasmTrainingKernels } = await import('./registerWasmTrainingKernels.js');
    const { randomValues, setUpBackends, sizeOf } = await import('./testing/backendComparison.js');
    await setUpBackends();

    const shape: Shape4 = [2, 128, 128, 32];
    const filterShape: Shape4 = [3, 3, 32, 32];
    const upShape: Shape4 = [2, 64, 64, 64];
    const upFilterShape: Shape4 = [2, 2, 32, 64]; // [kh, kw, out, in]
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' } as const;

    /** Median ms of `repeats` runs after a warm-up, on the active backend, inputs excluded. */
    const time = (repeats: number, run: (t: Record<'x' | 'dy' | 'filter' | 'up' | 'upFilter', TF.Tensor>) => TF.Tensor): number => {
      const make = (s: Shape4, seed: number) => tf.tensor(randomValues(sizeOf(s), seed), s);
      const t = { x: make(shape, 1), dy: make(shape, 2), filter: make(filterShape, 3), up: make(upShape, 4), upFilter: make(upFilterShape, 5) };
      const samples: number[] = [];
      for (let r = 0; r <= repeats; r++) {
        const start = performance.now();
        // The callback returns nothing: tidy() would walk every element of a returned typed array.
        tf.tidy(() => {
          run(t).dataSync();
        });
        if (r > 0) samples.push(performance.now() - start);
      }
      tf.dispose(Object.values(t));
      return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
    };
    const backpropFilter = ({ x, dy }: { x: TF.Tensor; dy: TF.Tensor }) => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape }) as TF.Tensor;
    const backpropInput = ({ dy, filter }: { dy: TF.Tensor; filter: TF.Tensor }) =>
      tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: shape }) as TF.Tensor;
    const transposed = ({ up, upFilter }: { up: TF.Tensor; upFilter: TF.Tensor }) => tf.conv2dTranspose(up as TF.Tensor4D, upFilter as TF.Tensor4D, shape, 2, 'same');
    const forward = ({ x, filter }: { x: TF.Tensor; filter: TF.Tensor }) => tf.conv2d(x as TF.Tensor4D, filter as TF.Tensor4D, 1, 'same');

    await tf.setBackend('wasm');
    const custom = { filter: time(5, backpropFilter), input: time(5, backpropInput), transposed: time(5, transposed), forward: time(5, forward) };
    unregisterWasmTrainingKernels();
    const stock = { input: time(3, backpropInput), transposed: time(5, transposed) };
    registerWasmTrainingKernels();

    // The cpu backend is left out: its Conv2DBackpropFilter alone takes minutes at this size.
    const ms = (v: number) => v.toFixed(0);
    console.log(
      [
        '| operation | stock wasm (ms) | custom wasm (ms) |',
        `| Conv2DBackpropFilter 3×3 | missing | ${ms(custom.filter)} |`,
        `| Conv2DBackpropInput 3×3 | ${ms(stock.input)} | ${ms(custom.input)} |`,
        `| conv2dTranspose 2×2/2 [2,64,64,64]→[2,128,128,32] | ${ms(stock.transposed)} | ${ms(custom.transposed)} |`,
        `| Conv2D 3×3 forward (for scale) | ${ms(custom.forward)} | ${ms(custom.forward)} |`,
      ].join('\n'),
    );
    expect(custom.filter).toBeGreaterThan(0);
  });
});
