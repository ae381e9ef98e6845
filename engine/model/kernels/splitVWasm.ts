import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backend_util, util, type KernelFunc, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';

/** Inner blocks up to this many values are copied by a plain loop; longer ones go to the stock kernel. */
const SHORT_BLOCK = 256;

/**
 * SplitV for the wasm backend: the gradient of a U-Net's skip concatenation splits dy along
 * channels (16 + 16 floats per pixel at full resolution). The stock kernel slices each output
 * with one subarray() + set() per pixel, which took 6% of a training step; short blocks are
 * copied here by one plain loop over the heap (64-bit words when every block has an even
 * length), like createConcatWasm. Anything else (strings, long blocks, empty parts) goes to
 * `fallback`, the stock kernel.
 */
export function createSplitVWasm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x?: TensorInfo };
    const backend = args.backend as BackendWasm;
    if (!x || (x.dtype !== 'float32' && x.dtype !== 'int32') || util.sizeFromShape(x.shape) === 0) return fallback(args);
    const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const at = util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = backend_util.prepareSplitSize(x as Tensor, numOrSizeSplits, at);
    const outer = util.sizeFromShape(x.shape.slice(0, at));
    const below = util.sizeFromShape(x.shape.slice(at + 1));
    const inners = sizes.map((s) => s * below);
    if (sizes.length < 2 || inners.some((n) => n === 0 || n > SHORT_BLOCK)) return fallback(args);
    const outputs = sizes.map((s) => {
      const shape = x.shape.slice();
      shape[at] = s;
      return backend.makeOutput(shape, x.dtype);
    });
    // Views only after the last allocation: growing the wasm heap detaches older ones.
    const views = [x, ...outputs].map((t) => backend.typedArrayFromHeap(t) as Float32Array | Int32Array);
    // A 64-bit copy keeps the low value's bits exactly; the high one could only change if it were already a NaN.
    const pairs = inners.every((n) => n % 2 === 0) && views.every((v) => v.byteOffset % 8 === 0);
    const unit = pairs ? 2 : 1;
    const word = (v: Float32Array | Int32Array): Float64Array | Int32Array => (pairs ? new Float64Array(v.buffer, v.byteOffset, v.length / 2) : new Int32Array(v.buffer, v.byteOffset, v.length));
    const source = word(views[0]!);
    const stride = inners.reduce((a, b) => a + b, 0) / unit;
    let offset = 0;
    for (let k = 0; k < outputs.length; k++) {
      const target = word(views[k + 1]!);
      const inner = inners[k]! / unit;
      for (let b = 0, from = offset, to = 0; b < outer; b++, from += stride) {
        for (let j = 0; j < inner; j++) target[to++] = source[from + j]!;
      }
      offset += inner;
    }
    return outputs;
  };
}
