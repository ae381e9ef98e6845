/**
 * TensorFlow.js's WebGPU backend in plain Node, on Dawn (the `webgpu` npm package, prebuilt for
 * Linux, macOS and Windows): training on any GPU with a Vulkan, Metal or Direct3D 12 driver,
 * without CUDA. Both packages are optional dependencies, loaded only when this backend is tried.
 */
import { createRequire } from 'node:module';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { adapterName, noGpuDevice, softwareAdapterReason, type AdapterFacts } from './gpuAdapter.js';
import { tf } from './tfjs.js';

export { adapterName, noGpuDevice, softwareAdapterReason, type AdapterFacts };

/** The GPU device the webgpu backend runs on in this thread, kept to be destroyed on exit. */
let device: GPUDevice | null = null;

/**
 * Starts the 'webgpu' tfjs backend on the adapter Dawn prefers for high performance and makes
 * it the active backend; resolves to its description. Throws, saying why, when the packages are
 * missing, there is no adapter, or the adapter is software and `allowSoftware` is false.
 */
export async function startWebGpu(options: { allowSoftware: boolean; /** Where to look for GPU devices (tests). */ devices?: string }): Promise<{ description: string; facts: AdapterFacts }> {
  const require = createRequire(import.meta.url);
  for (const name of ['webgpu', '@tensorflow/tfjs-backend-webgpu']) {
    try {
      require.resolve(name);
    } catch {
      throw new Error(`${name} is not installed (optional dependency)`);
    }
  }
  const absent = options.allowSoftware ? null : noGpuDevice(process.platform, options.devices);
  if (absent) throw new Error(`${absent}; MEMBRANA_BACKEND=webgpu forces a try`);
  const { create, globals } = await import('webgpu');
  // tfjs-backend-webgpu reads GPUBufferUsage, GPUMapMode etc. as globals, as in a browser.
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (no Vulkan, Metal or Direct3D 12 GPU driver)');
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const facts: AdapterFacts = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter === true || (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
  };
  const software = softwareAdapterReason(facts);
  if (software && !options.allowSoftware) {
    throw new Error(`the only WebGPU adapter, ${adapterName(facts)}, is ${software}, far slower than wasm; skipped (MEMBRANA_BACKEND=webgpu forces it)`);
  }
  installNavigatorGpu(gpu);
  // Registers the 'webgpu' backend only when navigator.gpu exists, so it is imported after.
  await import('@tensorflow/tfjs-backend-webgpu');
  const { registerWebgpuTrainingKernels } = await import('./kernels/registerWebgpuTrainingKernels.js');
  // MEMBRANA_WEBGPU_STOCK_KERNELS=1 keeps tfjs' own kernels, to compare speed on a GPU machine.
  if (process.env.MEMBRANA_WEBGPU_STOCK_KERNELS !== '1') registerWebgpuTrainingKernels();
  if (!(await tf.setBackend('webgpu'))) throw new Error(`the WebGPU backend did not initialise on ${adapterName(facts)}`);
  device = (tf.backend() as WebGPUBackend).device;
  return { description: `WebGPU (${adapterName(facts)}${software ? `; ${software}, slow` : ''})`, facts };
}

/**
 * Frees the backend's GPU buffers and destroys its device, so a worker that exits does not
 * leave driver memory behind (terminate() would skip any exit handler). Idempotent.
 */
export function stopWebGpu(): void {
  if (!device) return;
  const held = device;
  device = null;
  if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  held.destroy();
}

/** navigator.gpu as in a browser; Node ≥ 21 has a navigator of its own, which is kept. */
function installNavigatorGpu(gpu: GPU): void {
  const holder = globalThis as { navigator?: object };
  if (holder.navigator && typeof holder.navigator === 'object') {
    Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
}
