import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type KernelFunc, type TensorInfo, type backend_util } from '@tensorflow/tfjs-core';
import { asShape4, conv2DGradientInfo, type Conv2DGradientAttrs } from './conv2DGradientInfo.js';
import { wasmKernelScope } from './wasmKernelScope.js';

/**
 * Conv2DBackpropInput for the wasm backend. It is both the gradient of a convolution with
 * respect to its input and the forward pass of a transposed convolution (U-Net up-sampling).
 * tfjs 4.22's wasm kernel is a scalar C++ loop; these two cases run on XNNPACK instead:
 *
 * - stride 1: dx is the convolution of dy, zero-padded by (kernel - 1 - forward padding), with
 *   the filter rotated 180° and its in/out channels swapped: one XNNPACK Conv2D.
 * - stride == kernel (non-overlapping windows, e.g. 2×2 stride 2): every dy pixel paints its own
 *   kh×kw output block. For kernel row i, dy[N, Co] × W_i[Co, kw*Ci] is output row y*kh + i laid
 *   out as [ow*kw, Ci]; a Concat on axis 1 interleaves the kh rows (row-sized memcpys), and a
 *   Slice crops the forward padding if there was any. (wasm's DepthToSpace is a scalar loop.)
 *
 * Every other case (overlapping strides, padding wider than the kernel, non-float32 input) goes
 * to `fallback`, the stock kernel, so results are always correct.
 */
export function createConv2DBackpropInputWasm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    if (dy === undefined || filter === undefined) throw new Error(`${Conv2DBackpropInput} (wasm training kernel) needs inputs dy and filter.`);
    const kernelAttrs = attrs as unknown as Conv2DBackpropInputAttrs & Conv2DGradientAttrs;
    const inputShape = asShape4(kernelAttrs.inputShape, `${Conv2DBackpropInput} inputShape`);
    const info = conv2DGradientInfo(Conv2DBackpropInput, inputShape, asShape4(filter.shape, `${Conv2DBackpropInput} filter`), kernelAttrs);
    const expectedDy = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32' || dy.shape.join() !== expectedDy.join()) return fallback(args);
    const wasm = backend as BackendWasm;
    return unitStride(wasm, dy, filter, info) ?? nonOverlapping(wasm, dy, filter, info) ?? fallback(args);
  };
}

function unitStride(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const { strideHeight, strideWidth, filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
  if (strideHeight !== 1 || strideWidth !== 1) return null;
  const top = filterHeight - 1 - padInfo.top;
  const left = filterWidth - 1 - padInfo.left;
  // Chosen so that the 'valid' correlation of the padded dy has exactly the input's size.
  const bottom = inHeight + filterHeight - 1 - outHeight - top;
  const right = inWidth + filterWidth - 1 - outWidth - left;
  // Forward padding wider than the kernel would need cropping instead of padding.
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  return wasmKernelScope(backend, (run) => {
    const rotated = run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = run('Transpose', { x: rotated }, { perm: [0, 1, 3, 2] });
    return run('Conv2D', { x: dy, filter: swapped }, {
      strides: [1, 1],
      // XNNPACK pads inside the convolution, so dy is never copied into a padded buffer.
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    });
  });
}

function nonOverlapping(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const { batchSize, strideHeight, strideWidth, filterHeight, filterWidth, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, padInfo } = info;
  if (strideHeight !== filterHeight || strideWidth !== filterWidth) return null;
  const fullHeight = outHeight * filterHeight;
  const fullWidth = outWidth * filterWidth;
  // Input rows no window reaches ('valid' with a remainder) would need zero rows appended.
  if (padInfo.top + inHeight > fullHeight || padInfo.left + inWidth > fullWidth) return null;
  return wasmKernelScope(backend, (run) => {
    const dyMatrix = run('Reshape', { x: dy }, { shape: [batchSize * outHeight * outWidth, outChannels] });
    const byRow = run('Transpose', { x: filter }, { perm: [0, 3, 1, 2] }); // [kh, Co, kw, Ci]
    const rows: TensorInfo[] = [];
    for (let i = 0; i < filterHeight; i++) {
      const slice = run('Slice', { x: byRow }, { begin: [i, 0, 0, 0], size: [1, outChannels, filterWidth, inChannels] });
      const weights = run('Reshape', { x: slice }, { shape: [outChannels, filterWidth * inChannels] });
      const product = run('BatchMatMul', { a: dyMatrix, b: weights }, { transposeA: false, transposeB: false });
      rows.push(run('Reshape', { x: product }, { shape: [batchSize * outHeight, 1, outWidth * filterWidth * inChannels] }));
    }
    const interleaved = rows.length === 1 ? rows[0]! : run('Concat', rows, { axis: 1 });
    const full = run('Reshape', { x: interleaved }, { shape: [batchSize, fullHeight, fullWidth, inChannels] });
    if (padInfo.top === 0 && padInfo.left === 0 && inHeight === fullHeight && inWidth === fullWidth) return full;
    return run('Slice', { x: full }, { begin: [0, padInfo.top, padInfo.left, 0], size: [batchSize, inHeight, inWidth, inChannels] });
  });
}
