import { backend_util, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';

type Shape4 = [number, number, number, number];

/** The attributes both conv gradient kernels share (the filter and input variants differ only in which shape they carry). */
export type Conv2DGradientAttrs = Pick<Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'> & {
  /** Not a tfjs attribute of these kernels (tfjs' conv2d gradient refuses dilation > 1 itself); checked in case a caller passes one. */
  dilations?: number | [number, number];
};

/**
 * Conv2DInfo of the forward convolution whose gradient is wanted, for the cases the wasm and
 * webgpu training kernels implement: NHWC, dilation 1. Anything else throws an Error that names the
 * attribute, since silently computing a different convolution would corrupt training.
 */
export function conv2DGradientInfo(kernelName: string, xShape: Shape4, filterShape: Shape4, attrs: Conv2DGradientAttrs, backendName = 'wasm'): backend_util.Conv2DInfo {
  const { dilations, dataFormat, strides, pad, dimRoundingMode } = attrs;
  if (dilations !== undefined && (Array.isArray(dilations) ? dilations.some((d) => d !== 1) : dilations !== 1)) {
    throw new Error(`${kernelName} (${backendName} training kernel): dilations=${JSON.stringify(dilations)} is not supported; only dilation 1 is.`);
  }
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} (${backendName} training kernel): dataFormat='${String(dataFormat)}' is not supported; use 'NHWC' (channels last).`);
  }
  return backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
}

export function asShape4(shape: readonly number[], what: string): Shape4 {
  const [a, b, c, d] = shape;
  if (shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new Error(`Expected ${what} to have rank 4, got shape [${shape.join(', ')}].`);
  }
  return [a, b, c, d];
}
