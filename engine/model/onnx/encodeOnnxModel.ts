import { ProtoWriter } from './ProtoWriter.js';

/**
 * The part of ONNX's onnx.proto (IR version 8) that a convolutional network needs, as plain
 * objects, and its encoding. Field numbers are onnx.proto's; only float32 tensors and int /
 * ints attributes are supported.
 */

/** ONNX TensorProto.DataType FLOAT. */
const FLOAT = 1;
/** AttributeProto.AttributeType values. */
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

export type OnnxAttribute = number | readonly number[];

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Integer and integer-list attributes, written in key order. */
  attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A float32 tensor; `data` is written as raw little-endian bytes. */
export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** A float32 graph input or output; a string dimension is symbolic (any size). */
export interface OnnxValue {
  name: string;
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
  docString?: string;
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  /** The GraphProto, as encodeOnnxGraph wrote it (so a digest of exactly these bytes can go in the metadata). */
  graph: Uint8Array;
  docString?: string;
  /** Written as metadata_props, in key order (readable by ORT's session.metadata). */
  metadata?: Readonly<Record<string, string>>;
}

export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, model.irVersion); // ir_version
  w.string(2, model.producerName); // producer_name
  w.string(3, model.producerVersion); // producer_version
  if (model.docString) w.string(6, model.docString); // doc_string
  w.bytes(7, model.graph); // graph
  // opset_import: the default (ai.onnx) domain, written with an empty domain string.
  w.message(8, (o) => o.string(1, '').varint(2, model.opsetVersion));
  for (const key of Object.keys(model.metadata ?? {}).sort()) {
    w.message(14, (e) => e.string(1, key).string(2, model.metadata![key]!)); // metadata_props
  }
  return w.finish();
}

/** The GraphProto of an ONNX model (ModelProto field 7). */
export function encodeOnnxGraph(graph: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  writeGraph(w, graph);
  return w.finish();
}

function writeGraph(w: ProtoWriter, graph: OnnxGraph): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node)); // node
  w.string(2, graph.name); // name
  for (const tensor of graph.initializers) w.message(5, (t) => writeTensor(t, tensor)); // initializer
  if (graph.docString) w.string(10, graph.docString); // doc_string
  for (const value of graph.inputs) w.message(11, (v) => writeValue(v, value)); // input
  for (const value of graph.outputs) w.message(12, (v) => writeValue(v, value)); // output
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(1, input); // input
  for (const output of node.outputs) w.string(2, output); // output
  w.string(3, node.name); // name
  w.string(4, node.opType); // op_type
  const attributes = node.attributes ?? {};
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name]!;
    w.message(5, (a) => {
      a.string(1, name); // name
      if (typeof value === 'number') {
        a.varint(3, checkInt(value, node, name)); // i
        a.varint(20, ATTRIBUTE_INT); // type
      } else {
        for (const v of value) a.varint(8, checkInt(v, node, name)); // ints
        a.varint(20, ATTRIBUTE_INTS); // type
      }
    });
  }
}

function checkInt(value: number, node: OnnxNode, attribute: string): number {
  // Negative int64s would need ten-byte two's-complement varints; this network has none.
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`ONNX attribute ${attribute} of node ${node.name} must be a non-negative integer, not ${value}.`);
  return value;
}

function writeTensor(w: ProtoWriter, tensor: OnnxTensor): void {
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  if (count !== tensor.data.length) throw new RangeError(`ONNX tensor ${tensor.name} has shape [${tensor.dims.join(', ')}] but ${tensor.data.length} values.`);
  for (const d of tensor.dims) w.varint(1, d); // dims
  w.varint(2, FLOAT); // data_type
  w.string(8, tensor.name); // name
  w.bytes(9, littleEndianFloats(tensor.data)); // raw_data
}

function writeValue(w: ProtoWriter, value: OnnxValue): void {
  w.string(1, value.name); // name
  w.message(2, (type) =>
    type.message(1, (t) => {
      // TypeProto.tensor_type
      t.varint(1, FLOAT); // elem_type
      t.message(2, (shape) => {
        for (const d of value.dims) {
          // TensorShapeProto.dim: dim_value (1) or dim_param (2)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** ONNX raw_data is little-endian whatever the machine; a copy either way, so callers may reuse `data`. */
function littleEndianFloats(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return bytes;
}
