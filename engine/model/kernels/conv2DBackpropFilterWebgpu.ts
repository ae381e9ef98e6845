import {
  Concat,
  Conv2DBackpropFilter,
  getKernel,
  PadV2,
  Reshape,
  Slice,
  StridedSlice,
  BatchMatMul,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { asShape4, conv2DGradientInfo, type Conv2DGradientAttrs } from './conv2DGradientInfo.js';

const WEBGPU = 'webgpu';

/**
 * Upper bound on one patch matrix (a group of filter taps), under WebGPU's guaranteed 128 MiB
 * storage-buffer binding, so it works on any adapter.
 */
export const WEBGPU_TAP_GROUP_BYTES = 96 * 1024 * 1024;

/**
 * Conv2DBackpropFilter for the webgpu backend as matrix products (NHWC, dilation 1, any
 * stride, kernel size and padding; anything else goes to `stock`).
 *
 *   dW[i, j, ci, co] = sum over b, y, x of xPadded[b, y*sh + i, x*sw + j, ci] * dy[b, y, x, co]
 *
 * tfjs-webgpu 4.22 gives each filter value one GPU thread that loops over every output pixel
 * of the batch: for the U-Net's first level (3×3×16×16 = 2,304 threads, 4 × 256² pixels each)
 * most of the GPU idles while each thread does 262,144 multiply-adds in sequence. Here the
 * taps' shifted views of x are concatenated along channels into a patch matrix A [N, g·Ci]
 * (N = B·outH·outW), and one BatchMatMul Aᵀ × dy[N, Co] gives rows tap·Ci + ci of dW, already
 * the [kh, kw, Ci, Co] layout; tfjs picks its split-K matmul for that long inner dimension,
 * which spreads the sum over many workgroups. Taps are grouped so A stays under tapGroupBytes.
 */
export function createConv2DBackpropFilterWebgpu(stock: KernelFunc, tapGroupBytes: number = WEBGPU_TAP_GROUP_BYTES): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, dy } = inputs;
    const kernelAttrs = attrs as unknown as Conv2DBackpropFilterAttrs & Conv2DGradientAttrs;
    const dilated = kernelAttrs.dilations !== undefined && [kernelAttrs.dilations].flat().some((d) => d !== 1);
    if (x === undefined || dy === undefined || x.dtype !== 'float32' || dy.dtype !== 'float32' || kernelAttrs.dataFormat === 'NCHW' || dilated) return stock(args);
    const filterShape = asShape4(kernelAttrs.filterShape, `${Conv2DBackpropFilter} filterShape`);
    const info = conv2DGradientInfo(Conv2DBackpropFilter, asShape4(x.shape, `${Conv2DBackpropFilter} x`), filterShape, kernelAttrs, WEBGPU);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
    const { top, left } = info.padInfo;
    return kernelScope(backend as KernelBackend, (run) => {
      // Rows and columns the windows reach past the input read zeros ('same' padding, 'ceil' rounding).
      const bottom = Math.max(0, (outHeight - 1) * strideHeight + filterHeight - inHeight - top);
      const right = Math.max(0, (outWidth - 1) * strideWidth + filterWidth - inWidth - left);
      const padded = top + bottom + left + right > 0 ? run(PadV2, { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }) : x;
      const pixels = batchSize * outHeight * outWidth;
      const dy2 = run(Reshape, { x: dy }, { shape: [1, pixels, outChannels] });
      const taps = filterHeight * filterWidth;
      const perGroup = Math.max(1, Math.min(taps, Math.floor(tapGroupBytes / (pixels * inChannels * 4))));
      const rows: TensorInfo[] = [];
      for (let first = 0; first < taps; first += perGroup) {
        const views: TensorInfo[] = [];
        for (let tap = first; tap < Math.min(taps, first + perGroup); tap++) views.push(tapView(run, padded, info, Math.floor(tap / filterWidth), tap % filterWidth));
        const patches = views.length === 1 ? views[0]! : run(Concat, views, { axis: 3 });
        for (const view of views) if (view !== patches) run.free(view);
        const a = run(Reshape, { x: patches }, { shape: [1, pixels, views.length * inChannels] });
        rows.push(run(Reshape, { x: run(BatchMatMul, { a, b: dy2 }, { transposeA: true, transposeB: false }) }, { shape: [views.length * inChannels, outChannels] }));
        run.free(a);
        run.free(patches);
      }
      const all = rows.length === 1 ? rows[0]! : run(Concat, rows, { axis: 0 });
      return run(Reshape, { x: all }, { shape: filterShape });
    });
  };
}

type Runner = ((kernelName: string, inputs: NamedTensorInfoMap | TensorInfo[], attrs?: NamedAttrMap) => TensorInfo) & { free(tensor: TensorInfo): void };

/** The part of the padded x that tap (i, j) multiplies: [B, outH, outW, Ci]. */
function tapView(run: Runner, padded: TensorInfo, info: ReturnType<typeof conv2DGradientInfo>, i: number, j: number): TensorInfo {
  const { batchSize, outHeight, outWidth, inChannels, strideHeight, strideWidth } = info;
  if (strideHeight === 1 && strideWidth === 1) return run(Slice, { x: padded }, { begin: [0, i, j, 0], size: [batchSize, outHeight, outWidth, inChannels] });
  return run(
    StridedSlice,
    { x: padded },
    {
      begin: [0, i, j, 0],
      end: [batchSize, i + (outHeight - 1) * strideHeight + 1, j + (outWidth - 1) * strideWidth + 1, inChannels],
      strides: [1, strideHeight, strideWidth, 1],
      beginMask: 0,
      endMask: 0,
      ellipsisMask: 0,
      newAxisMask: 0,
      shrinkAxisMask: 0,
    },
  );
}

/**
 * Runs webgpu kernels directly (outside the engine, so no tidy() sees their outputs) and
 * disposes every intermediate, on success and on error, except the result. Reshape outputs
 * share their input's buffer with a raised reference count, so they are disposed alike.
 */
function kernelScope(backend: KernelBackend, body: (run: Runner) => TensorInfo): TensorInfo {
  const owned = new Set<TensorInfo>();
  const run = ((kernelName, inputs, attrs = {}) => {
    const kernel = getKernel(kernelName, WEBGPU);
    if (kernel === undefined) throw new Error(`The webgpu backend has no '${kernelName}' kernel; import '@tensorflow/tfjs-backend-webgpu' first.`);
    // Concat takes its inputs as an array although KernelFunc types them as a map.
    const output = kernel.kernelFunc({ inputs: inputs as NamedTensorInfoMap, backend, attrs });
    if (Array.isArray(output)) throw new Error(`The webgpu '${kernelName}' kernel returned ${output.length} outputs where one was expected.`);
    owned.add(output);
    return output;
  }) as Runner;
  run.free = (tensor) => {
    if (owned.delete(tensor)) backend.disposeData(tensor.dataId);
  };
  let result: TensorInfo | undefined;
  try {
    result = body(run);
    return result;
  } finally {
    for (const tensor of owned) if (tensor !== result) backend.disposeData(tensor.dataId);
  }
}
