import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor, OnnxValue } from './encodeOnnxModel.js';

/** A weight tensor by its TensorFlow.js name ('down0_conv1/kernel'), row-major in tfjs's layout. */
export interface NamedWeight {
  shape: readonly number[];
  data: Float32Array;
}

/** One layer of a tfjs-layers (Keras) functional model topology, as model.json stores it. */
interface LayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

interface TopologyJson {
  class_name?: string;
  config?: { name?: string; layers?: LayerJson[]; input_layers?: [string, number, number][]; output_layers?: [string, number, number][] };
}

/** Spatial size of a tensor relative to the input: exactly `factor` × the input's, or unknown. */
type Spatial = { factor: number } | null;

interface Value {
  name: string;
  channels: number;
  spatial: Spatial;
}

const ACTIVATIONS: Record<string, string | null> = { linear: null, relu: 'Relu', sigmoid: 'Sigmoid' };

/**
 * Translates a tfjs-layers functional model (its topology JSON and weights) into an NCHW ONNX
 * graph, layer by layer, so the graph is exactly the network TensorFlow.js runs: Conv2D (+ its
 * activation as a separate Relu/Sigmoid node, which ONNX Runtime fuses into the convolution),
 * MaxPooling2D, Conv2DTranspose and Concatenate. Kernels are transposed from tfjs's HWIO to
 * ONNX's OIHW, and transposed-convolution kernels from [kH, kW, out, in] to [in, out, kH, kW].
 * Tensors are named after the layers that make them; the graph's input and output keep the
 * model's input and output layer names. Anything else (another layer type, an option whose
 * semantics differ between the two) is refused with the layer's name, never approximated.
 */
export function layersToOnnxGraph(topology: unknown, weights: ReadonlyMap<string, NamedWeight>): OnnxGraph {
  const config = (topology as TopologyJson | null)?.config;
  const layers = config?.layers;
  if (!Array.isArray(layers) || !config?.input_layers || !config.output_layers) {
    throw new Error('The model topology is not a tfjs-layers functional model (no config.layers, input_layers or output_layers).');
  }
  if (config.input_layers.length !== 1 || config.output_layers.length !== 1) {
    throw new Error(`The ONNX export handles models with one input and one output, not ${config.input_layers.length} and ${config.output_layers.length}.`);
  }
  const values = new Map<string, Value>();
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const used = new Set<string>();
  let input: OnnxValue | null = null;

  const weight = (layer: LayerJson, suffix: string, expected: number[]): NamedWeight => {
    const name = `${layer.name}/${suffix}`;
    const w = weights.get(name);
    if (!w) throw new Error(`The weights lack ${name} (layer ${layer.name}).`);
    if (w.shape.length !== expected.length || w.shape.some((d, i) => expected[i]! >= 0 && d !== expected[i])) {
      throw new Error(`Weight ${name} has shape [${w.shape.join(', ')}] but layer ${layer.name} needs [${expected.map((d) => (d < 0 ? '?' : d)).join(', ')}].`);
    }
    if (w.data.length !== w.shape.reduce((a, b) => a * b, 1)) throw new Error(`Weight ${name} has ${w.data.length} values for shape [${w.shape.join(', ')}].`);
    used.add(name);
    return w;
  };
  const addInitializer = (name: string, dims: number[], data: Float32Array): string => {
    initializers.push({ name, dims, data });
    return name;
  };

  for (const layer of layers) {
    const c = layer.config;
    const inputs = inboundValues(layer, values);
    const out = (channels: number, spatial: Spatial): Value => {
      const value = { name: layer.name, channels, spatial };
      values.set(layer.name, value);
      return value;
    };
    switch (layer.class_name) {
      case 'InputLayer': {
        const shape = c.batch_input_shape as (number | null)[] | undefined;
        if (!Array.isArray(shape) || shape.length !== 4 || typeof shape[3] !== 'number') {
          throw new Error(`Input layer ${layer.name} must take [batch, height, width, channels] images with a known channel count, not ${JSON.stringify(shape)}.`);
        }
        if (shape[1] !== null || shape[2] !== null) throw new Error(`Input layer ${layer.name} has a fixed size ${shape[1]}×${shape[2]}; the ONNX export needs open spatial dimensions.`);
        out(shape[3], { factor: 1 });
        input = { name: layer.name, dims: ['N', shape[3], 'H', 'W'] };
        break;
      }
      case 'Conv2D':
      case 'Conv2DTranspose': {
        const x = single(layer, inputs);
        requireConfig(layer, 'data_format', 'channels_last');
        const [kh, kw] = pair(layer, 'kernel_size');
        const [sh, sw] = pair(layer, 'strides');
        const filters = c.filters as number;
        const transposed = layer.class_name === 'Conv2DTranspose';
        if (!transposed) {
          const [dh, dw] = pair(layer, 'dilation_rate');
          if (dh !== 1 || dw !== 1) throw new Error(`Layer ${layer.name} uses dilation ${dh}×${dw}; the ONNX export supports dilation 1 only.`);
        }
        const kernel = weight(layer, 'kernel', transposed ? [kh, kw, filters, x.channels] : [kh, kw, x.channels, filters]);
        const attributes: Record<string, OnnxAttribute> = { kernel_shape: [kh, kw], strides: [sh, sw] };
        const padding = c.padding as string;
        let spatial: Spatial;
        if (!transposed) {
          if (padding === 'same') {
            // TF's 'same' with stride 1 pads (k-1)/2 on each side; other cases pad unevenly by input size.
            if (sh !== 1 || sw !== 1 || kh % 2 === 0 || kw % 2 === 0) throw new Error(`Layer ${layer.name}: 'same' padding is exported for stride 1 and odd kernels only (it has ${kh}×${kw}, stride ${sh}×${sw}).`);
            attributes.pads = [(kh - 1) / 2, (kw - 1) / 2, (kh - 1) / 2, (kw - 1) / 2];
            spatial = x.spatial;
          } else if (padding === 'valid') {
            attributes.pads = [0, 0, 0, 0];
            spatial = kh === 1 && kw === 1 && sh === 1 && sw === 1 ? x.spatial : null;
          } else throw new Error(`Layer ${layer.name} has padding '${padding}', which the ONNX export does not support.`);
        } else {
          // tfjs's transposed convolution: output = in × stride for 'same' (cropping k − s, the
          // smaller half first) and (in − 1) × stride + k for 'valid'. ONNX's pads crop the same way.
          if (kh < sh || kw < sw) throw new Error(`Layer ${layer.name}: transposed kernels smaller than the stride are not exported (${kh}×${kw}, stride ${sh}×${sw}).`);
          if (padding === 'same') {
            const [th, tw] = [kh - sh, kw - sw];
            attributes.pads = [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
            spatial = x.spatial && sh === sw ? { factor: x.spatial.factor * sh } : null;
          } else if (padding === 'valid') {
            attributes.pads = [0, 0, 0, 0];
            spatial = kh === sh && kw === sw && x.spatial && sh === sw ? { factor: x.spatial.factor * sh } : null;
          } else throw new Error(`Layer ${layer.name} has padding '${padding}', which the ONNX export does not support.`);
        }
        // HWIO → OIHW and [kH, kW, out, in] → [in, out, kH, kW] are the same axis permutation.
        const onnxKernel = permute4(kernel, [3, 2, 0, 1]);
        const nodeInputs = [x.name, addInitializer(`${layer.name}/kernel`, onnxKernel.dims, onnxKernel.data)];
        if (c.use_bias !== false) {
          const bias = weight(layer, 'bias', [filters]);
          nodeInputs.push(addInitializer(`${layer.name}/bias`, [filters], bias.data));
        }
        const activation = String(c.activation ?? 'linear');
        if (!(activation in ACTIVATIONS)) throw new Error(`Layer ${layer.name} uses activation '${activation}', which the ONNX export does not support (linear, relu, sigmoid).`);
        const op = ACTIVATIONS[activation];
        const convOut = op ? `${layer.name}/${transposed ? 'conv_transpose' : 'conv'}` : layer.name;
        nodes.push({ opType: transposed ? 'ConvTranspose' : 'Conv', name: convOut, inputs: nodeInputs, outputs: [convOut], attributes });
        if (op) nodes.push({ opType: op, name: layer.name, inputs: [convOut], outputs: [layer.name] });
        out(filters, spatial);
        break;
      }
      case 'MaxPooling2D': {
        const x = single(layer, inputs);
        requireConfig(layer, 'data_format', 'channels_last');
        requireConfig(layer, 'padding', 'valid');
        const [ph, pw] = pair(layer, 'pool_size');
        const [sh, sw] = pair(layer, 'strides');
        nodes.push({ opType: 'MaxPool', name: layer.name, inputs: [x.name], outputs: [layer.name], attributes: { kernel_shape: [ph, pw], strides: [sh, sw], pads: [0, 0, 0, 0] } });
        // Exact only when the size divides; the U-Net's size multiple guarantees that.
        out(x.channels, x.spatial && ph === sh && pw === sw && sh === sw ? { factor: x.spatial.factor / sh } : null);
        break;
      }
      case 'Concatenate': {
        if (inputs.length < 2) throw new Error(`Concatenate layer ${layer.name} has ${inputs.length} input.`);
        const axis = c.axis as number;
        if (axis !== -1 && axis !== 3) throw new Error(`Concatenate layer ${layer.name} joins along axis ${axis}; the ONNX export supports the channel axis (-1) only.`);
        nodes.push({ opType: 'Concat', name: layer.name, inputs: inputs.map((v) => v.name), outputs: [layer.name], attributes: { axis: 1 } });
        const spatial = inputs.every((v) => v.spatial && v.spatial.factor === inputs[0]!.spatial?.factor) ? inputs[0]!.spatial : null;
        out(
          inputs.reduce((n, v) => n + v.channels, 0),
          spatial,
        );
        break;
      }
      default:
        throw new Error(`Layer ${layer.name} is a ${layer.class_name}, which the ONNX export does not support (InputLayer, Conv2D, Conv2DTranspose, MaxPooling2D, Concatenate).`);
    }
  }

  const unused = [...weights.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`The weights hold ${unused.join(', ')}, which no layer of the topology uses: the weights are from another model.`);
  const [inputLayer] = config.input_layers[0]!;
  const [outputLayer] = config.output_layers[0]!;
  const result = values.get(outputLayer);
  if (!input || (input as OnnxValue).name !== inputLayer || !result) throw new Error(`The model's input ${inputLayer} or output ${outputLayer} is not among its layers.`);
  const size = (axis: 'H' | 'W'): number | string => (result.spatial?.factor === 1 ? axis : `${axis}_out`);
  return {
    name: config.name ?? 'model',
    nodes,
    initializers,
    inputs: [input],
    outputs: [{ name: result.name, dims: ['N', result.channels, size('H'), size('W')] }],
  };
}

function inboundValues(layer: LayerJson, values: ReadonlyMap<string, Value>): Value[] {
  if (layer.class_name === 'InputLayer') return [];
  if (layer.inbound_nodes.length !== 1) throw new Error(`Layer ${layer.name} is applied ${layer.inbound_nodes.length} times; the ONNX export needs each layer applied once.`);
  return layer.inbound_nodes[0]!.map(([name, nodeIndex, tensorIndex]) => {
    const value = values.get(name);
    if (!value || nodeIndex !== 0 || tensorIndex !== 0) throw new Error(`Layer ${layer.name} takes ${name}[${nodeIndex}][${tensorIndex}], which is not an earlier layer's output.`);
    return value;
  });
}

function single(layer: LayerJson, inputs: Value[]): Value {
  if (inputs.length !== 1) throw new Error(`Layer ${layer.name} has ${inputs.length} inputs; it needs one.`);
  return inputs[0]!;
}

function pair(layer: LayerJson, key: string): [number, number] {
  const v = layer.config[key];
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`Layer ${layer.name} has ${key} ${JSON.stringify(v)}; expected two positive integers.`);
  return [p[0], p[1]];
}

function requireConfig(layer: LayerJson, key: string, expected: string): void {
  const v = layer.config[key] ?? expected;
  if (v !== expected) throw new Error(`Layer ${layer.name} has ${key} '${String(v)}'; the ONNX export supports '${expected}' only.`);
}

/** Reorders a 4-D row-major tensor's axes: output axis i is input axis perm[i]. */
function permute4(w: NamedWeight, perm: [number, number, number, number]): { dims: number[]; data: Float32Array } {
  const shape = w.shape;
  const dims = perm.map((p) => shape[p]!);
  const inStrides = [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1];
  const s = perm.map((p) => inStrides[p]!);
  const data = new Float32Array(w.data.length);
  let at = 0;
  for (let a = 0; a < dims[0]!; a++)
    for (let b = 0; b < dims[1]!; b++)
      for (let c = 0; c < dims[2]!; c++) for (let d = 0; d < dims[3]!; d++) data[at++] = w.data[a * s[0]! + b * s[1]! + c * s[2]! + d * s[3]!]!;
  return { dims, data };
}
