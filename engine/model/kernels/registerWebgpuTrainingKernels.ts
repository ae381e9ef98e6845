import { Conv2DBackpropFilter, getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import { createConv2DBackpropFilterWebgpu } from './conv2DBackpropFilterWebgpu.js';

const WEBGPU = 'webgpu';

/** The stock Conv2DBackpropFilter config this module replaced, and the kernel that replaced it. */
let replaced: { stock: KernelConfig; custom: KernelFunc } | undefined;

/**
 * Makes the 'webgpu' backend train conv nets at GPU speed: replaces Conv2DBackpropFilter (one
 * thread per filter value in tfjs-backend-webgpu 4.22) by matrix products, keeping the stock
 * kernel as the fallback for what they do not cover. Call after '@tensorflow/tfjs-backend-webgpu'
 * is imported; idempotent. Kernels are looked up per call, so it also takes effect on a backend
 * that is already initialised.
 */
export function registerWebgpuTrainingKernels(): void {
  const filter = getKernel(Conv2DBackpropFilter, WEBGPU);
  if (filter === undefined) {
    throw new Error(`The webgpu backend has no ${Conv2DBackpropFilter} kernel to replace; is '@tensorflow/tfjs-backend-webgpu' imported, in the version of '@tensorflow/tfjs-core'?`);
  }
  if (filter.kernelFunc === replaced?.custom) return;
  const custom = createConv2DBackpropFilterWebgpu(filter.kernelFunc);
  unregisterKernel(Conv2DBackpropFilter, WEBGPU); // registerKernel on a taken name only warns and overwrites
  registerKernel({ ...filter, kernelFunc: custom });
  replaced = { stock: filter, custom };
}

/** Restores the stock webgpu kernel (for comparisons); a no-op if nothing is registered. */
export function unregisterWebgpuTrainingKernels(): void {
  if (replaced !== undefined && getKernel(Conv2DBackpropFilter, WEBGPU)?.kernelFunc === replaced.custom) {
    unregisterKernel(Conv2DBackpropFilter, WEBGPU);
    registerKernel(replaced.stock);
  }
  replaced = undefined;
}
