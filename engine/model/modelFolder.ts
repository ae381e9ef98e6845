import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { io } from '@tensorflow/tfjs-core';
import { findAppRoot } from '../appRoot.js';
import type { UnetArchitecture } from './buildUnet.js';
import { ModelError } from './ModelError.js';
import { tf, tfl } from './tfjs.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const META_JSON = 'membrana.json';

/** How raw voxels become network input; recorded with the model so prediction matches training. */
export interface Normalization {
  /** Each slice (or tile's slice) is shifted to mean 0 and scaled to standard deviation 1. */
  kind: 'slice-zscore';
  /** Added to the standard deviation, so flat slices do not divide by zero. */
  epsilon: number;
}

/** Everything besides the weights that a model folder records (membrana.json). */
export interface ModelMeta {
  format: 'membrana-membrane-model';
  version: 1;
  architecture: UnetArchitecture;
  normalization: Normalization;
  /** What the output means: per-pixel probability that the pixel is membrane (1 = membrane). */
  output: 'membrane-probability';
  /** Tile size and overlap used for prediction. */
  tile: { size: number; overlap: number };
  /** Free-form record of how it was trained (data, steps, time, backend, validation metrics). */
  training?: Record<string, unknown>;
}

export const DEFAULT_NORMALIZATION: Normalization = { kind: 'slice-zscore', epsilon: 1e-3 };

/** The model Membrana ships (assets/models/membrane). */
export function shippedModelDir(): string {
  return path.join(findAppRoot(), 'assets', 'models', 'membrane');
}

/**
 * Writes a model folder: each file goes to a temp name and is renamed into place, so a kill
 * mid-save never leaves a half-written file; membrana.json goes last. Other files in the folder
 * (a training log, checkpoint/) are left alone.
 */
export async function saveModelFolder(dir: string, model: LayersModel, meta: ModelMeta): Promise<void> {
  const target = path.resolve(dir);
  await mkdir(target, { recursive: true });
  const files: [string, Uint8Array | string][] = [];
  await model.save(
    tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts) => {
      const weights = joinWeights(artifacts.weightData);
      const manifest = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      files.push([WEIGHTS_BIN, weights], [MODEL_JSON, JSON.stringify(manifest)]);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  files.push([META_JSON, `${JSON.stringify(meta, null, 2)}\n`]);
  for (const [name, data] of files) {
    const temp = path.join(target, `.${name}.saving-${process.pid}`);
    await writeFile(temp, data);
    await rename(temp, path.join(target, name));
  }
}

function joinWeights(data: io.ModelArtifacts['weightData']): Uint8Array {
  if (!data) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), at);
    at += part.byteLength;
  }
  return out;
}

export interface LoadedModel {
  dir: string;
  model: LayersModel;
  meta: ModelMeta;
}

/** Loads a model folder written by saveModelFolder, with errors that name the folder and file. */
export async function loadModelFolder(dir: string): Promise<LoadedModel> {
  const folder = path.resolve(dir);
  const hint = 'Pass --model with a folder made by `membrana train`, or leave it out to use the model Membrana ships.';
  if (!existsSync(folder)) throw new ModelError('MODEL_NOT_FOUND', folder, `No model folder at ${folder}.`, hint);
  const meta = await readJson<ModelMeta>(path.join(folder, META_JSON), hint);
  if (meta.format !== 'membrana-membrane-model' || meta.version !== 1) {
    throw new ModelError('MODEL_UNSUPPORTED', path.join(folder, META_JSON), `${path.join(folder, META_JSON)} is not a Membrana membrane model (version 1).`, hint);
  }
  const manifest = await readJson<{ modelTopology?: object; weightsManifest?: { paths: string[]; weights: io.WeightsManifestEntry[] }[] }>(
    path.join(folder, MODEL_JSON),
    hint,
  );
  const group = manifest.weightsManifest?.[0];
  if (!manifest.modelTopology || !group) {
    throw new ModelError('MODEL_CORRUPT', path.join(folder, MODEL_JSON), `${path.join(folder, MODEL_JSON)} lacks the model topology or weights manifest.`, hint);
  }
  const weightsFile = path.join(folder, group.paths[0] ?? WEIGHTS_BIN);
  let weights: Buffer;
  try {
    weights = await readFile(weightsFile);
  } catch {
    throw new ModelError('MODEL_NOT_FOUND', weightsFile, `The weights file ${weightsFile} is missing.`, hint);
  }
  const expected = group.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (weights.byteLength !== expected) {
    throw new ModelError('MODEL_CORRUPT', weightsFile, `${weightsFile} has ${weights.byteLength} bytes but the model needs ${expected}: it is truncated or from another model.`, hint);
  }
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: group.weights, weightData }));
  return { dir: folder, model, meta };
}

async function readJson<T>(file: string, hint: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ModelError('MODEL_NOT_FOUND', file, `The model file ${file} is missing.`, hint);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ModelError('MODEL_CORRUPT', file, `${file} is not valid JSON (${(error as Error).message}).`, hint);
  }
}
