import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { buildUnet } from '../buildUnet.js';
import { tf, tfl } from '../tfjs.js';
import { exportOnnx, weightsOfModel } from './exportOnnx.js';
import { layersToOnnxGraph } from './layersToOnnxGraph.js';

const seeded = (seed: number): ReturnType<typeof tfl.initializers.glorotUniform> => tfl.initializers.glorotUniform({ seed });

/** Max |tfjs − ORT| for an h × w × channels input, and ORT's output dims. */
async function parity(model: LayersModel, h: number, w: number, channels: number): Promise<{ diff: number; dims: readonly number[]; expected: number[] }> {
  const x = tf.randomNormal([1, h, w, channels], 0, 1, 'float32', 3);
  const y = model.predict(x) as tf.Tensor;
  // NHWC → NCHW in and NCHW → NHWC out, for more than one channel.
  const nchw = tf.transpose(x, [0, 3, 1, 2]).dataSync() as Float32Array;
  const session = await InferenceSession.create(await exportOnnx(model));
  const out = (await session.run({ [session.inputNames[0]!]: new Tensor('float32', nchw, [1, channels, h, w]) }))[session.outputNames[0]!]!;
  await session.release();
  const [, c, oh, ow] = out.dims as number[];
  const actual = tf.transpose(tf.tensor4d(out.data as Float32Array, [1, c!, oh!, ow!]), [0, 2, 3, 1]).dataSync();
  const expected = Array.from(y.dataSync());
  expect(y.shape).toEqual([1, oh, ow, c]);
  return { diff: Math.max(...expected.map((v, i) => Math.abs(v - actual[i]!))), dims: out.dims, expected };
}

describe('layersToOnnxGraph', () => {
  it('exports valid and same padding, transposed kernels larger than the stride, no bias, linear activation, pooling with overlap and many channels as tfjs computes them', async () => {
    const input = tfl.input({ shape: [null, null, 2], name: 'in' });
    const a = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'valid', useBias: false, kernelInitializer: seeded(1), name: 'a' }).apply(input) as SymbolicTensor;
    const b = tfl.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: seeded(2), biasInitializer: 'ones', name: 'b' }).apply(a) as SymbolicTensor;
    const c = tfl.layers.conv2dTranspose({ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'valid', kernelInitializer: seeded(3), name: 'c' }).apply(b) as SymbolicTensor;
    const d = tfl.layers.maxPooling2d({ poolSize: [3, 2], strides: 2, name: 'd' }).apply(c) as SymbolicTensor;
    const e = tfl.layers.conv2d({ filters: 5, kernelSize: [1, 3], padding: 'valid', activation: 'sigmoid', kernelInitializer: seeded(4), name: 'e' }).apply(d) as SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: e, name: 'odd' });
    const { diff, dims, expected } = await parity(model, 13, 10, 2);
    expect(dims).toEqual([1, 5, 22, 14]);
    expect(diff).toBeLessThan(1e-5);
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.1);
  });

  it('declares the output H × W as the input\'s when the network keeps the size (the U-Net), and as its own otherwise', async () => {
    const unet = buildUnet({ kind: 'unet', levels: 3, base: 2 }, 1);
    const graph = layersToOnnxGraph(unet.toJSON(null, false), await weightsOfModel(unet));
    expect(graph.inputs).toEqual([{ name: 'image', dims: ['N', 1, 'H', 'W'] }]);
    expect(graph.outputs).toEqual([{ name: 'membrane', dims: ['N', 1, 'H', 'W'] }]);
    expect(graph.nodes.map((n) => n.opType).join(' ')).toBe(
      'Conv Relu Conv Relu MaxPool Conv Relu Conv Relu MaxPool Conv Relu Conv Relu ConvTranspose Concat Conv Relu Conv Relu ConvTranspose Concat Conv Relu Conv Relu Conv Sigmoid',
    );
    const input = tfl.input({ shape: [null, null, 1] });
    const model = tfl.model({ inputs: input, outputs: tfl.layers.conv2d({ filters: 1, kernelSize: 3, name: 'v' }).apply(input) as SymbolicTensor });
    expect(layersToOnnxGraph(model.toJSON(null, false), await weightsOfModel(model)).outputs[0]!.dims).toEqual(['N', 1, 'H_out', 'W_out']);
    unet.dispose();
    model.dispose();
  });

  it('refuses layers and options it would not export exactly, naming the layer', async () => {
    const input = tfl.input({ shape: [null, null, 1], name: 'x' });
    const one = (layer: { apply: (x: SymbolicTensor) => unknown }): LayersModel => tfl.model({ inputs: input, outputs: layer.apply(input) as SymbolicTensor });
    await expect(exportOnnx(one(tfl.layers.dense({ units: 2, name: 'dense1' })))).rejects.toThrow(/Layer dense1 is a Dense, which the ONNX export does not support/);
    await expect(exportOnnx(one(tfl.layers.conv2d({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', name: 's2' })))).rejects.toThrow(/Layer s2: 'same' padding is exported for stride 1/);
    await expect(exportOnnx(one(tfl.layers.conv2d({ filters: 1, kernelSize: 3, dilationRate: 2, name: 'dil' })))).rejects.toThrow(/Layer dil uses dilation 2×2/);
    await expect(exportOnnx(one(tfl.layers.conv2d({ filters: 1, kernelSize: 3, activation: 'tanh', name: 'th' })))).rejects.toThrow(/Layer th uses activation 'tanh'/);
    await expect(exportOnnx(one(tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 1, strides: 2, name: 'tk' })))).rejects.toThrow(/Layer tk: transposed kernels smaller than the stride/);

    const unet = buildUnet({ kind: 'unet', levels: 2, base: 2 }, 1);
    const topology = unet.toJSON(null, false);
    const weights = await weightsOfModel(unet);
    const without = new Map(weights);
    without.delete('membrane/bias');
    expect(() => layersToOnnxGraph(topology, without)).toThrow(/The weights lack membrane\/bias \(layer membrane\)/);
    const extra = new Map(weights).set('stray/kernel', { shape: [1], data: new Float32Array(1) });
    expect(() => layersToOnnxGraph(topology, extra)).toThrow(/stray\/kernel, which no layer of the topology uses/);
    const reshaped = new Map(weights).set('down0_conv1/kernel', { shape: [3, 3, 2, 2], data: new Float32Array(36) });
    expect(() => layersToOnnxGraph(topology, reshaped)).toThrow(/Weight down0_conv1\/kernel has shape \[3, 3, 2, 2\] but layer down0_conv1 needs \[3, 3, 1, 2\]/);
    expect(() => layersToOnnxGraph({ class_name: 'Sequential', config: { layers: [] } }, weights)).toThrow(/not a tfjs-layers functional model/);
    unet.dispose();
  });
});
