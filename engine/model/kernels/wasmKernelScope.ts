import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** Runs one registered wasm kernel on `backend` and returns its single output. */
export function runWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: NamedTensorInfoMap | TensorInfo[],
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel === undefined) {
    throw new Error(`The wasm backend has no '${kernelName}' kernel; import '@tensorflow/tfjs-backend-wasm' before running wasm training kernels.`);
  }
  // Concat takes its inputs as an array although KernelFunc types them as a map.
  const output = kernel.kernelFunc({ inputs: inputs as NamedTensorInfoMap, backend, attrs });
  if (Array.isArray(output)) throw new Error(`The wasm '${kernelName}' kernel returned ${output.length} outputs where one was expected.`);
  return output;
}

export interface WasmKernelRunner {
  /** Runs a wasm kernel; its output is freed when the scope ends unless it is the scope's result. */
  (kernelName: string, inputs: NamedTensorInfoMap | TensorInfo[], attrs?: NamedAttrMap): TensorInfo;
  /** Allocates an uninitialised float32 buffer on the wasm heap, owned by the scope. */
  allocate(shape: number[]): TensorInfo;
  /** Frees a scope-owned tensor early (large intermediates); ignores tensors the scope does not own. */
  free(tensor: TensorInfo): void;
}

/**
 * Composes a kernel from other wasm kernels. Kernels called directly (not through the engine)
 * produce outputs no tidy() knows about, so the scope disposes every intermediate it made,
 * on success and on error, except the one `body` returns. Reshape outputs share their input's
 * buffer with a raised reference count, so they are disposed like any other output.
 */
export function wasmKernelScope<T extends TensorInfo | void>(backend: BackendWasm, body: (run: WasmKernelRunner) => T): T {
  const owned = new Set<TensorInfo>();
  const run = ((kernelName, inputs, attrs) => {
    const output = runWasmKernel(backend, kernelName, inputs, attrs);
    owned.add(output);
    return output;
  }) as WasmKernelRunner;
  run.allocate = (shape) => {
    const output = backend.makeOutput(shape, 'float32');
    owned.add(output);
    return output;
  };
  run.free = (tensor) => {
    if (owned.delete(tensor)) backend.disposeData(tensor.dataId);
  };
  let result: T | undefined;
  try {
    result = body(run);
    return result;
  } finally {
    for (const tensor of owned) if (tensor !== result) backend.disposeData(tensor.dataId);
  }
}

/**
 * A float32 view of a tensor's bytes on the wasm heap. Take it only after the last
 * makeOutput/kernel call that precedes its use: growing the heap detaches older views.
 */
export function heapFloat32(backend: BackendWasm, tensor: TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(tensor);
  if (!(view instanceof Float32Array)) throw new Error(`Expected a float32 tensor on the wasm heap, got ${tensor.dtype}.`);
  return view;
}
