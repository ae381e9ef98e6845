// Convolution geometries both gradient kernels are checked on: odd sizes, batch 1 and 3,
// 1/3/8 channels, 1×1 to 5×5 kernels, 'same'/'valid'/explicit padding, strides 1 and 2.
import { backend_util, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';

export interface Conv2DGradientCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: Conv2DBackpropFilterAttrs['strides'];
  pad: Conv2DBackpropFilterAttrs['pad'];
  dimRoundingMode?: Conv2DBackpropFilterAttrs['dimRoundingMode'];
}

export const conv2DGradientCases: Conv2DGradientCase[] = [
  { name: '3×3 same, 1→8 channels', x: [1, 17, 13, 1], filter: [3, 3, 1, 8], strides: 1, pad: 'same' },
  { name: '3×3 valid, batch 3, 3→8', x: [3, 17, 13, 3], filter: [3, 3, 3, 8], strides: 1, pad: 'valid' },
  { name: '3×3 same, batch 3, 8→1', x: [3, 11, 9, 8], filter: [3, 3, 8, 1], strides: 1, pad: 'same' },
  { name: '1×1, batch 3, 8→3', x: [3, 9, 11, 8], filter: [1, 1, 8, 3], strides: 1, pad: 'valid' },
  { name: '5×5 same, 3→1', x: [1, 17, 13, 3], filter: [5, 5, 3, 1], strides: 1, pad: 'same' },
  { name: '2×2 stride 2 valid (transposed-conv geometry)', x: [3, 16, 12, 8], filter: [2, 2, 8, 3], strides: 2, pad: 'valid' },
  { name: '2×2 stride 2 same, odd size', x: [1, 17, 13, 8], filter: [2, 2, 8, 3], strides: 2, pad: 'same' },
  { name: '2×2 stride 2 valid, odd size', x: [3, 17, 13, 3], filter: [2, 2, 3, 1], strides: 2, pad: 'valid' },
  { name: '3×3 stride 2 same', x: [3, 17, 13, 3], filter: [3, 3, 3, 8], strides: 2, pad: 'same' },
  { name: '3×3 strides [2, 1] valid', x: [1, 17, 13, 3], filter: [3, 3, 3, 8], strides: [2, 1], pad: 'valid' },
  { name: '3×3 explicit asymmetric padding', x: [1, 9, 10, 3], filter: [3, 3, 3, 2], strides: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] },
  { name: '3×3 padding wider than the kernel', x: [1, 9, 10, 3], filter: [3, 3, 3, 2], strides: 1, pad: [[0, 0], [3, 3], [1, 4], [0, 0]] },
  { name: '2×2 stride 2 numeric pad, ceil rounding', x: [1, 9, 7, 3], filter: [2, 2, 3, 2], strides: 2, pad: 0, dimRoundingMode: 'ceil' },
];

export function outputShapeOf(c: Conv2DGradientCase): [number, number, number, number] {
  const info = backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
  return info.outShape;
}
