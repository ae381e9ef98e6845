import { createHash } from 'node:crypto';
import type { io } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { encodeOnnxGraph, encodeOnnxModel } from './encodeOnnxModel.js';
import { layersToOnnxGraph, type NamedWeight } from './layersToOnnxGraph.js';

/** The ONNX file kept beside model.json in every model folder. */
export const ONNX_FILE = 'model.onnx';
/**
 * The exporter's own version, written as the ONNX producer_version. Bump it when the graph
 * written for the same weights changes: folders' model.onnx files then no longer match and are
 * remade (ensureOnnx), and assets/models/membrane/model.onnx must be regenerated.
 */
export const ONNX_EXPORT_VERSION = '1';
/** Opset 17 (ONNX 1.12, 2022): every op used here has had its current form since long before. */
const OPSET = 17;
/** IR version 8 goes with opset 17. */
const IR_VERSION = 8;
/** ONNX producer_name. */
export const ONNX_PRODUCER = 'membrana';
/** metadata_props key: SHA-256 of the encoded GraphProto, so a damaged file is told from a whole one without decoding it. */
export const GRAPH_DIGEST_KEY = 'membrana.graph_sha256';
/** metadata_props key: sourceDigest of the topology and weights the file was made from, so a stale file is told from a current one. */
export const SOURCE_DIGEST_KEY = 'membrana.source_sha256';

/**
 * A tfjs LayersModel as an ONNX model (ModelProto bytes). Deterministic: the same weights give
 * the same bytes. No TensorFlow.js call besides reading the model's weights and topology.
 */
export async function exportOnnx(model: LayersModel): Promise<Uint8Array> {
  // As model.save() writes it into model.json, so both routes give the same bytes.
  const topology = model.toJSON(null, false);
  return exportOnnxFromLayers(topology, await weightsOfModel(model));
}

/** The ONNX model for a saved tfjs model: model.json's topology and weights manifest, and the weight bytes. */
export function exportOnnxFromArtifacts(modelTopology: unknown, weightSpecs: readonly io.WeightsManifestEntry[], weightData: Uint8Array): Uint8Array {
  return exportOnnxFromLayers(modelTopology, weightsOfArtifacts(weightSpecs, weightData));
}

/**
 * A model's weights by their tfjs names. Read asynchronously: on WebGPU in Node a synchronous
 * read needs OffscreenCanvas, which Node lacks (training on a GPU failed there at its first score).
 */
export async function weightsOfModel(model: LayersModel): Promise<Map<string, NamedWeight>> {
  const weights = new Map<string, NamedWeight>();
  for (const w of model.weights) {
    if (w.dtype !== 'float32') throw new Error(`Weight ${w.originalName} is ${w.dtype}; the ONNX export handles float32 weights only.`);
    const shape = w.shape.map((d) => d ?? -1);
    if (shape.includes(-1)) throw new Error(`Weight ${w.originalName} has an open shape [${w.shape.join(', ')}]; build the model before exporting it.`);
    weights.set(w.originalName, { shape, data: (await w.read().data()) as Float32Array });
  }
  return weights;
}

/** A saved model's weights by their tfjs names, checked against the manifest. */
export function weightsOfArtifacts(weightSpecs: readonly io.WeightsManifestEntry[], weightData: Uint8Array): Map<string, NamedWeight> {
  const weights = new Map<string, NamedWeight>();
  let at = 0;
  for (const spec of weightSpecs) {
    if (spec.dtype !== 'float32' || spec.quantization) {
      throw new Error(`Weight ${spec.name} is stored as ${spec.quantization ? `quantised ${spec.quantization.dtype}` : spec.dtype}; the ONNX export handles float32 weights only.`);
    }
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (at + count * 4 > weightData.byteLength) throw new Error(`The weight data ends at byte ${weightData.byteLength}, before weight ${spec.name} (bytes ${at}–${at + count * 4}): it is truncated.`);
    if (weights.has(spec.name)) throw new Error(`The weights manifest lists ${spec.name} twice.`);
    weights.set(spec.name, { shape: spec.shape, data: readFloats(weightData, at, count) });
    at += count * 4;
  }
  if (at !== weightData.byteLength) throw new Error(`The weight data has ${weightData.byteLength} bytes but the manifest describes ${at}: it is from another model.`);
  return weights;
}

/**
 * SHA-256 (hex) of a model's layers (the topology's config, as JSON: not the tfjs version that
 * wrote it) and weights (by name, with shapes and float32 values, whatever order they are listed
 * in): what a model.onnx was made from.
 */
export function sourceDigest(topology: unknown, weights: ReadonlyMap<string, NamedWeight>): string {
  const layers = (topology as { config?: unknown } | null)?.config ?? topology;
  const hash = createHash('sha256').update(JSON.stringify(layers)).update('\0');
  for (const name of [...weights.keys()].sort()) {
    const w = weights.get(name)!;
    hash.update(`${name}\0${w.shape.join(',')}\0`);
    hash.update(littleEndian(w.data));
  }
  return hash.digest('hex');
}

/** The ONNX model for a tfjs topology (model.json's modelTopology) and its weights by name. */
export function exportOnnxFromLayers(topology: unknown, weights: ReadonlyMap<string, NamedWeight>): Uint8Array {
  const graph = encodeOnnxGraph(layersToOnnxGraph(topology, weights));
  return encodeOnnxModel({
    irVersion: IR_VERSION,
    opsetVersion: OPSET,
    producerName: ONNX_PRODUCER,
    producerVersion: ONNX_EXPORT_VERSION,
    docString:
      'Membrana membrane model. Input: float32 [N, 1, H, W], each slice normalised as membrana.json says (slice z-score), ' +
      'H and W multiples of 2^(levels-1). Output: per-pixel membrane probability [N, 1, H, W] (1 = membrane).',
    graph,
    metadata: { [GRAPH_DIGEST_KEY]: createHash('sha256').update(graph).digest('hex'), [SOURCE_DIGEST_KEY]: sourceDigest(topology, weights) },
  });
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The float32 values' bytes, little-endian (a view where the machine is little-endian, as every platform Membrana ships for is). */
function littleEndian(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/**
 * Little-endian float32s from any byte offset (tfjs weight files are little-endian): a view
 * where the machine is little-endian and the offset aligned (so checking a folder copies no
 * weights), else a copy. Either way the caller must not write to it.
 */
function readFloats(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const start = bytes.byteOffset + offset;
  if (LITTLE_ENDIAN && start % 4 === 0) return new Float32Array(bytes.buffer, start, count);
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer.slice(start, start + count * 4));
  const view = new DataView(bytes.buffer, start, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
