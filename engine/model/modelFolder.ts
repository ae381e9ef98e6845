import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { io } from '@tensorflow/tfjs-core';
import { findAppRoot } from '../base/appRoot.js';
import { syncDirectory } from '../base/atomicWrite.js';
import { writeFilesDurable } from '../base/writeFilesDurable.js';
import type { UnetArchitecture } from './buildUnet.js';
import { ModelError } from './ModelError.js';
import { validateModelSpec } from './validateModelSpec.js';
import { exportOnnxFromArtifacts, ONNX_FILE } from './onnx/exportOnnx.js';
import { META_JSON, MODEL_FOLDER_HINT, MODEL_JSON, readModelArtifacts, readModelJson, WEIGHTS_BIN } from './readModelArtifacts.js';

export { META_JSON, MODEL_JSON, WEIGHTS_BIN } from './readModelArtifacts.js';
export { ONNX_FILE } from './onnx/exportOnnx.js';
export { ensureOnnx, type EnsureOnnxOptions } from './onnx/ensureOnnx.js';

/**
 * TensorFlow.js, loaded when a model is first saved or loaded rather than with this module:
 * it takes about a second to load, and the ONNX Runtime path needs this module's types and
 * paths but never tfjs.
 */
const loadTfjs = async () => import('./tfjs.js');

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
 * Writes a model folder: the tfjs model (model.json, weights.bin), its ONNX form for ONNX
 * Runtime (model.onnx, exportOnnx), then membrana.json, fsynced (base/writeFilesDurable). A new
 * folder is written beside its place and renamed in whole; into an existing one each file goes to
 * a temp name and is renamed into place, so a kill mid-save never leaves a half-written file (and
 * a model.onnx left older than the weights by one is found stale and remade by ensureOnnx). Other
 * files in the folder (a training log, checkpoint/) are left alone.
 */
export async function saveModelFolder(dir: string, model: LayersModel, meta: ModelMeta): Promise<void> {
  const { tf, tfl } = await loadTfjs();
  const target = path.resolve(dir);
  // A new folder is built beside its place and renamed in at the end: a failed save leaves none.
  const fresh = !existsSync(target);
  const writeTo = fresh ? `${target}.saving-${process.pid}` : target;
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
      const onnx = exportOnnxFromArtifacts(artifacts.modelTopology, artifacts.weightSpecs ?? [], weights);
      files.push([WEIGHTS_BIN, weights], [MODEL_JSON, JSON.stringify(manifest)], [ONNX_FILE, onnx]);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  files.push([META_JSON, `${JSON.stringify(meta, null, 2)}\n`]);
  try {
    // One at a time, in this order: a kill mid-save leaves model.onnx at most one save older than the weights.
    await writeFilesDurable(new Map(files.map(([name, data]) => [path.join(writeTo, name), data])), { atomic: !fresh, concurrency: 1 });
    if (fresh) {
      await rename(writeTo, target);
      await syncDirectory(path.dirname(target));
    }
  } catch (error) {
    if (fresh) await rm(writeTo, { recursive: true, force: true });
    throw error;
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
  const hint = MODEL_FOLDER_HINT;
  if (!existsSync(folder)) throw new ModelError('MODEL_NOT_FOUND', `No model folder at ${folder}.`, { file: folder, hint });
  const meta = validateModelSpec(await readModelJson<unknown>(path.join(folder, META_JSON), hint), path.join(folder, META_JSON), hint);
  const { modelTopology, weightSpecs, weightData } = await readModelArtifacts(folder, hint);
  const { tf, tfl } = await loadTfjs();
  const buffer = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
  let model: LayersModel;
  try {
    model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData: buffer }));
  } catch (error) {
    // TensorFlow.js's own words (shape mismatches, unknown layer classes) name no file.
    const file = path.join(folder, MODEL_JSON);
    throw new ModelError('MODEL_CORRUPT', `${file} does not describe a model that loads: ${(error as Error).message.split('\n')[0]}.`, { file, hint });
  }
  return { dir: folder, model, meta };
}
