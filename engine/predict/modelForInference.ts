import { existsSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../model/ModelError.js';
import { ensureOnnx, META_JSON, type ModelMeta } from '../model/modelFolder.js';
import { MODEL_FOLDER_HINT, readModelJson } from '../model/readModelArtifacts.js';
import { validateModelSpec } from '../model/validateModelSpec.js';
import type { TilingOptions } from './SliceTiling.js';

/*
 * What inference needs from a model folder, read without TensorFlow.js (≈ 0.4 s of a 1 s CLI
 * run): membrana.json, and model.onnx made sure to match the weights (ensureOnnx).
 */

/** membrana.json of a model folder, checked as loadModelFolder checks it. */
export async function readModelMeta(dir: string): Promise<ModelMeta> {
  const folder = path.resolve(dir);
  if (!existsSync(folder)) throw new ModelError('MODEL_NOT_FOUND', `No model folder at ${folder}.`, { file: folder, hint: MODEL_FOLDER_HINT });
  const file = path.join(folder, META_JSON);
  return validateModelSpec(await readModelJson<unknown>(file), file, MODEL_FOLDER_HINT);
}

/** How a model's slices are tiled: its tile size (or `maxTile`), its overlap, and the U-Net's size multiple 2^(levels-1). */
export function modelTiling(meta: Pick<ModelMeta, 'tile' | 'architecture'>, maxTile?: number): TilingOptions {
  return { maxTile: maxTile ?? meta.tile.size, overlap: meta.tile.overlap, multiple: 2 ** (meta.architecture.levels - 1) };
}

/**
 * The path of a folder's model.onnx, the ONNX form of its current weights: made when missing,
 * remade with a warning when damaged or stale, and with `remake` even when it looks whole (for
 * a file ONNX Runtime could not load all the same).
 */
export function modelOnnxFile(dir: string, options: { remake?: boolean; onWarning?: (message: string) => void } = {}): Promise<string> {
  return ensureOnnx(dir, options);
}
