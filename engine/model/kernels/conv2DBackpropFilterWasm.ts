import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type KernelFunc, type TensorInfo, type backend_util } from '@tensorflow/tfjs-core';
import { asShape4, conv2DGradientInfo, type Conv2DGradientAttrs } from './conv2DGradientInfo.js';
import { heapFloat32, wasmKernelScope } from './wasmKernelScope.js';

/**
 * Upper bound on one patch matrix (a group of filter taps). Larger groups mean fewer, bigger
 * matmuls (faster); the bound keeps the wasm heap from growing by more than this per call.
 */
export const DEFAULT_TAP_GROUP_BYTES = 48 * 1024 * 1024;

/**
 * Conv2DBackpropFilter for the wasm backend, which has none in tfjs 4.22 (training a conv net
 * on wasm fails without it). NHWC, dilation 1, any stride, kernel size and padding.
 *
 *   dW[i, j, ci, co] = sum over b, y, x of xPadded[b, y*sh + i, x*sw + j, ci] * dy[b, y, x, co]
 *
 * The padded input is transposed to channel-major xT [Ci, B*Hp*Wp]. For each tap (i, j) a
 * patch matrix A_tap [Ci, L] gathers the x values that tap multiplies; stacking g taps gives
 * A [g*Ci, L], and one XNNPACK BatchMatMul A x dy[L, Co] yields rows tap*Ci + ci of dW, which
 * is already the [kh, kw, Ci, Co] filter layout. With stride 1, dy is zero-padded to the
 * padded input's size so that every A_tap row is a plain shift of an xT row (one memcpy per
 * channel; wrap-around lands only where dy is zero). Other strides gather with a JS loop.
 */
export function createConv2DBackpropFilterWasm(tapGroupBytes: number = DEFAULT_TAP_GROUP_BYTES): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    if (x === undefined || dy === undefined) throw new Error(`${Conv2DBackpropFilter} (wasm training kernel) needs inputs x and dy.`);
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`${Conv2DBackpropFilter} (wasm training kernel) supports float32 only, got x ${x.dtype} and dy ${dy.dtype}.`);
    }
    const kernelAttrs = attrs as unknown as Conv2DBackpropFilterAttrs & Conv2DGradientAttrs;
    const filterShape = asShape4(kernelAttrs.filterShape, `${Conv2DBackpropFilter} filterShape`);
    const info = conv2DGradientInfo(Conv2DBackpropFilter, asShape4(x.shape, `${Conv2DBackpropFilter} x`), filterShape, kernelAttrs);
    const expectedDy = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
    if (dy.shape.join() !== expectedDy.join()) {
      throw new Error(`${Conv2DBackpropFilter} (wasm training kernel): dy has shape [${dy.shape.join(', ')}], expected [${expectedDy.join(', ')}].`);
    }
    return backpropFilter(backend as BackendWasm, x, dy, info, tapGroupBytes);
  };
}

export const conv2DBackpropFilterWasm: KernelFunc = createConv2DBackpropFilterWasm();

function backpropFilter(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, tapGroupBytes: number): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  // 'ceil' rounding can place the last window past the padded input; tfjs reads zeros there.
  const bottom = Math.max(info.padInfo.bottom, (outHeight - 1) * strideHeight + filterHeight - inHeight - top);
  const right = Math.max(info.padInfo.right, (outWidth - 1) * strideWidth + filterWidth - inWidth - left);
  const paddedHeight = inHeight + top + bottom;
  const paddedWidth = inWidth + left + right;
  const plane = batchSize * paddedHeight * paddedWidth;
  const shifted = strideHeight === 1 && strideWidth === 1 && paddedHeight - filterHeight + 1 === outHeight && paddedWidth - filterWidth + 1 === outWidth;

  return wasmKernelScope(backend, (run) => {
    const dW = run.allocate(info.filterShape);
    const padded = top || bottom || left || right
      ? run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 })
      : x;
    // With one channel [B, Hp, Wp, 1] already is [1, B*Hp*Wp]: no transpose needed.
    const xT = inChannels === 1 ? padded : run('Transpose', { x: padded }, { perm: [3, 0, 1, 2] });
    if (padded !== x && xT !== padded) run.free(padded);

    let dyMatrix: TensorInfo;
    let columns: number;
    if (shifted) {
      columns = plane;
      const dyPadded = paddedHeight === outHeight && paddedWidth === outWidth
        ? dy
        : run('PadV2', { x: dy }, { paddings: [[0, 0], [0, paddedHeight - outHeight], [0, paddedWidth - outWidth], [0, 0]], constantValue: 0 });
      dyMatrix = run('Reshape', { x: dyPadded }, { shape: [columns, outChannels] });
    } else {
      columns = batchSize * outHeight * outWidth;
      dyMatrix = run('Reshape', { x: dy }, { shape: [columns, outChannels] });
    }

    const taps = filterHeight * filterWidth;
    const group = Math.max(1, Math.min(taps, Math.floor(tapGroupBytes / (inChannels * columns * 4))));
    for (let firstTap = 0; firstTap < taps; firstTap += group) {
      const groupTaps = Math.min(group, taps - firstTap);
      const patches = run.allocate([groupTaps * inChannels, columns]);
      const source = heapFloat32(backend, xT);
      const target = heapFloat32(backend, patches);
      for (let g = 0; g < groupTaps; g++) {
        const i = Math.floor((firstTap + g) / filterWidth);
        const j = (firstTap + g) % filterWidth;
        if (shifted) copyShiftedTap(source, target, g * inChannels * columns, inChannels, plane, i * paddedWidth + j);
        else copyStridedTap(source, target, g * inChannels * columns, info, paddedHeight, paddedWidth, i, j);
      }
      // XNNPACK's fully-connected path (2-D operands, no transposes); it caches dy's packed form
      // by tensor id, so dy is packed once per call however many groups there are.
      const product = run('BatchMatMul', { a: patches, b: dyMatrix }, { transposeA: false, transposeB: false });
      run.free(patches);
      heapFloat32(backend, dW).set(heapFloat32(backend, product), firstTap * inChannels * outChannels);
      run.free(product);
    }
    return dW;
  });
}

/** Stride 1: row (c) of the tap's patch matrix is xT row c shifted left by `offset`, zero-filled at the end. */
function copyShiftedTap(source: Float32Array, target: Float32Array, targetStart: number, channels: number, plane: number, offset: number): void {
  for (let c = 0; c < channels; c++) {
    const row = targetStart + c * plane;
    target.set(source.subarray(c * plane + offset, (c + 1) * plane), row);
    target.fill(0, row + plane - offset, row + plane);
  }
}

/** Any stride: gathers xT[c, b, y*sh + i, x*sw + j] for every output position (b, y, x). */
function copyStridedTap(
  source: Float32Array,
  target: Float32Array,
  targetStart: number,
  info: backend_util.Conv2DInfo,
  paddedHeight: number,
  paddedWidth: number,
  i: number,
  j: number,
): void {
  const { batchSize, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  let t = targetStart;
  for (let c = 0; c < inChannels; c++) {
    for (let b = 0; b < batchSize; b++) {
      for (let y = 0; y < outHeight; y++) {
        let s = ((c * batchSize + b) * paddedHeight + y * strideHeight + i) * paddedWidth + j;
        for (let xx = 0; xx < outWidth; xx++, s += strideWidth) target[t++] = source[s] ?? 0;
      }
    }
  }
}
