import { existsSync } from 'node:fs';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { ModelError } from './ModelError.js';
import { MAX_ARRAY_BYTES, memoryBudget } from '../io/memoryBudget.js';
import { readRegularFile } from '../io/readRegularFile.js';
import { checkWeightsFinite, validateWeightSpecs } from './validateModelSpec.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const META_JSON = 'membrana.json';

export const MODEL_FOLDER_HINT = 'Pass --model with a folder made by `membrana train`, or leave it out to use the model Membrana ships.';

/** A saved tfjs model as its files hold it: model.json's topology and weights manifest, and the weight bytes. */
export interface ModelArtifacts {
  modelTopology: object;
  weightSpecs: io.WeightsManifestEntry[];
  weightData: Uint8Array;
}

/**
 * Reads model.json and weights.bin of a model folder, checking that the weights are complete,
 * with errors that name the file and what to do. Loads no TensorFlow.js, so the ONNX export can
 * read a folder in a process that never starts tfjs.
 */
export async function readModelArtifacts(dir: string, hint = MODEL_FOLDER_HINT): Promise<ModelArtifacts> {
  const folder = path.resolve(dir);
  if (!existsSync(folder)) throw new ModelError('MODEL_NOT_FOUND', `No model folder at ${folder}.`, { file: folder, hint });
  const manifestFile = path.join(folder, MODEL_JSON);
  const manifest = await readModelJson<{ modelTopology?: object; weightsManifest?: { paths: string[]; weights: io.WeightsManifestEntry[] }[] }>(manifestFile, hint);
  const group = manifest.weightsManifest?.[0];
  if (!manifest.modelTopology || !group || !Array.isArray(group.weights)) {
    throw new ModelError('MODEL_CORRUPT', `${manifestFile} lacks the model topology or weights manifest.`, { file: manifestFile, hint });
  }
  const weightsFile = path.join(folder, group.paths?.[0] ?? WEIGHTS_BIN);
  // model.json names its weights file; a name reaching outside the folder is not one Membrana wrote.
  if (path.dirname(weightsFile) !== folder) {
    throw new ModelError('MODEL_CORRUPT', `${manifestFile} names its weights file ${JSON.stringify(group.paths[0])}, outside the model folder.`, { file: manifestFile, hint });
  }
  const weightSpecs = validateWeightSpecs(group.weights, manifestFile, hint);
  const weights = await readModelFile(weightsFile, Math.min(memoryBudget(), MAX_ARRAY_BYTES), hint);
  const expected = weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (weights.byteLength !== expected) {
    throw new ModelError('MODEL_CORRUPT', `${weightsFile} has ${weights.byteLength} bytes but the model needs ${expected}: it is truncated or from another model.`, { file: weightsFile, hint });
  }
  checkWeightsFinite(weights, weightSpecs, weightsFile);
  return { modelTopology: manifest.modelTopology, weightSpecs, weightData: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength) };
}

/** A JSON file of a model folder; MODEL_NOT_FOUND when missing, MODEL_CORRUPT when not JSON. */
export async function readModelJson<T>(file: string, hint = MODEL_FOLDER_HINT): Promise<T> {
  const text = (await readModelFile(file, 16 * 2 ** 20, hint)).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new ModelError('MODEL_CORRUPT', `${file} is not valid JSON (${(error as Error).message}).`, { file, hint });
  }
}

/**
 * A file of a model folder: a regular file (not a device or pipe, also behind a link) of at most
 * `maxBytes`. MODEL_NOT_FOUND when missing, MODEL_CORRUPT otherwise, naming it.
 */
async function readModelFile(file: string, maxBytes: number, hint: string): Promise<Buffer> {
  try {
    return await readRegularFile(file, maxBytes, (_kind, message) => new ModelError('MODEL_CORRUPT', message, { file, hint }), 'a model file');
  } catch (error) {
    if (error instanceof ModelError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ModelError('MODEL_NOT_FOUND', `The model file ${file} is missing.`, { file, hint });
    throw new ModelError('MODEL_CORRUPT', `The model file ${file} cannot be read: ${(error as Error).message}.`, { file, hint });
  }
}
