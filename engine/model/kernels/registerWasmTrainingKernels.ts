// Registers the wasm backend and its stock kernels first, so the stock Conv2DBackpropInput
// exists to be kept as the fallback.
import '@tensorflow/tfjs-backend-wasm';
import { Concat, Conv2DBackpropFilter, Conv2DBackpropInput, getKernel, registerKernel, SplitV, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import { createConcatWasm } from './concatWasm.js';
import { conv2DBackpropFilterWasm } from './conv2DBackpropFilterWasm.js';
import { createConv2DBackpropInputWasm } from './conv2DBackpropInputWasm.js';
import { createSplitVWasm } from './splitVWasm.js';

const WASM = 'wasm';

/** The stock Conv2DBackpropInput config this module replaced, and the kernel that replaced it. */
let replaced: { stock: KernelConfig; custom: KernelFunc } | undefined;
/** The same for Concat and SplitV. */
let replacedConcat: { stock: KernelConfig; custom: KernelFunc } | undefined;
let replacedSplitV: { stock: KernelConfig; custom: KernelFunc } | undefined;

/**
 * Makes the 'wasm' backend able to train conv nets quickly: registers Conv2DBackpropFilter
 * (missing from tfjs-backend-wasm 4.22) and an XNNPACK-based Conv2DBackpropInput that keeps the
 * stock kernel as its fallback. Idempotent; call it before the first gradient on wasm. Kernels
 * are looked up per call, so it also takes effect on a backend that is already initialised.
 */
export function registerWasmTrainingKernels(): void {
  const input = getKernel(Conv2DBackpropInput, WASM);
  if (input === undefined) {
    throw new Error(`The wasm backend has no ${Conv2DBackpropInput} kernel to extend; is '@tensorflow/tfjs-backend-wasm' installed in the same version as '@tensorflow/tfjs-core'?`);
  }
  if (input.kernelFunc !== replaced?.custom) {
    const custom = createConv2DBackpropInputWasm(input.kernelFunc);
    unregisterKernel(Conv2DBackpropInput, WASM); // registerKernel on a taken name only warns and overwrites
    // Keep setupFunc: it binds the stock kernel's C++ entry point when the backend initialises.
    registerKernel({ ...input, kernelFunc: custom });
    replaced = { stock: input, custom };
  }
  const concat = getKernel(Concat, WASM);
  if (concat && concat.kernelFunc !== replacedConcat?.custom) {
    const custom = createConcatWasm(concat.kernelFunc);
    unregisterKernel(Concat, WASM);
    registerKernel({ ...concat, kernelFunc: custom });
    replacedConcat = { stock: concat, custom };
  }
  const split = getKernel(SplitV, WASM);
  if (split && split.kernelFunc !== replacedSplitV?.custom) {
    const custom = createSplitVWasm(split.kernelFunc);
    unregisterKernel(SplitV, WASM);
    registerKernel({ ...split, kernelFunc: custom });
    replacedSplitV = { stock: split, custom };
  }
  const filter = getKernel(Conv2DBackpropFilter, WASM);
  if (filter?.kernelFunc !== conv2DBackpropFilterWasm) {
    if (filter !== undefined) unregisterKernel(Conv2DBackpropFilter, WASM);
    registerKernel({ kernelName: Conv2DBackpropFilter, backendName: WASM, kernelFunc: conv2DBackpropFilterWasm });
  }
}

/** Restores the stock wasm kernels (for comparisons and tests); a no-op if nothing is registered. */
export function unregisterWasmTrainingKernels(): void {
  if (getKernel(Conv2DBackpropFilter, WASM)?.kernelFunc === conv2DBackpropFilterWasm) unregisterKernel(Conv2DBackpropFilter, WASM);
  if (replaced !== undefined && getKernel(Conv2DBackpropInput, WASM)?.kernelFunc === replaced.custom) {
    unregisterKernel(Conv2DBackpropInput, WASM);
    registerKernel(replaced.stock);
  }
  replaced = undefined;
  if (replacedConcat !== undefined && getKernel(Concat, WASM)?.kernelFunc === replacedConcat.custom) {
    unregisterKernel(Concat, WASM);
    registerKernel(replacedConcat.stock);
  }
  replacedConcat = undefined;
  if (replacedSplitV !== undefined && getKernel(SplitV, WASM)?.kernelFunc === replacedSplitV.custom) {
    unregisterKernel(SplitV, WASM);
    registerKernel(replacedSplitV.stock);
  }
  replacedSplitV = undefined;
}
