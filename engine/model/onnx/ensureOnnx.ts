import path from 'node:path';
import { readIfExists } from '../../io/readIfExists.js';
import { writeFileAtomic } from '../../base/atomicWrite.js';
import { ModelError } from '../ModelError.js';
import { MODEL_FOLDER_HINT, MODEL_JSON, readModelArtifacts, WEIGHTS_BIN } from '../readModelArtifacts.js';
import { exportOnnxFromLayers, ONNX_FILE, sourceDigest, weightsOfArtifacts } from './exportOnnx.js';
import type { NamedWeight } from './layersToOnnxGraph.js';
import { onnxFileProblem } from './onnxFileProblem.js';
import { logger } from '../../base/log.js';

const log = logger('model');

export interface EnsureOnnxOptions {
  /** Remake model.onnx from the weights even when its checks pass (for a file ONNX Runtime could not load all the same). */
  remake?: boolean;
  /**
   * Told, in a sentence naming the file and what was wrong, when a model.onnx that failed its
   * checks (truncated, damaged, stale, another exporter version) was remade. Default: the log, at warn.
   */
  onWarning?: (message: string) => void;
}

/**
 * The path of a model folder's model.onnx, made sure to be the ONNX form of the folder's
 * current weights (onnxFileProblem: its graph checksum and the digest of the weights it was made
 * from; one SHA-256 pass over each, no TensorFlow.js). A missing file (folders saved before the
 * ONNX export, or copied without it) is written silently; one that fails a check is remade from
 * the weights, with a warning. Writes are atomic (temp, fsync, rename), so processes sharing a
 * folder (block-wise prediction) and a kill at any moment leave a whole file.
 */
export async function ensureOnnx(dir: string, options: EnsureOnnxOptions = {}): Promise<string> {
  const folder = path.resolve(dir);
  const file = path.join(folder, ONNX_FILE);
  const [{ modelTopology, weightSpecs, weightData }, existing] = await Promise.all([readModelArtifacts(folder), readIfExists(file)]);
  const unsupported = (error: unknown): ModelError =>
    new ModelError(
      'MODEL_UNSUPPORTED',
      `Cannot write ${file} for ONNX Runtime: ${(error as Error).message}`,
      { file: path.join(folder, MODEL_JSON), hint: `${MODEL_FOLDER_HINT} Set MEMBRANA_EP=tfjs to run this model on TensorFlow.js.` },
    );
  let weights: Map<string, NamedWeight>;
  let source: string;
  try {
    weights = weightsOfArtifacts(weightSpecs, weightData);
    source = sourceDigest(modelTopology, weights);
  } catch (error) {
    throw unsupported(error);
  }
  const problem = existing ? onnxFileProblem(existing, source) : null;
  if (existing && problem === null && !options.remake) return file;
  let bytes: Uint8Array;
  try {
    bytes = exportOnnxFromLayers(modelTopology, weights);
  } catch (error) {
    throw unsupported(error);
  }
  try {
    await writeFileAtomic(file, bytes);
  } catch (error) {
    throw new ModelError(
      'MODEL_CORRUPT',
      `Cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${existing ? `the file there is unusable: ${problem ?? 'a remake was asked for'}` : 'the folder has none'}.`,
      { file, hint: 'Copy the model folder somewhere writable and pass that with --model, or reinstall Membrana if this is the model it ships.' },
    );
  }
  if (problem) (options.onWarning ?? ((message: string) => log.warn(message, { file })))(`${file} was remade from the model's weights (${WEIGHTS_BIN}): ${problem}.`);
  return file;
}
