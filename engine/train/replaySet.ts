import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readVolume } from '../io/readVolume.js';
import { META_JSON, shippedModelDir, type LoadedModel, type ModelMeta } from '../model/modelFolder.js';
import { correctionSlices, type CorrectionSlice } from './correctionBatches.js';
import { labelsToCorrections } from './labelsToCorrections.js';
import { logger } from '../base/log.js';

const log = logger('train');

/** A model folder's replay set: a few labelled slices of the data it was trained on. */
export const REPLAY_DIR = 'replay';
const IMAGES = 'images.tif';
const LABELS = 'labels.tif';

/**
 * Reads `<modelDir>/replay/` (images.tif and labels.tif, ISBI labels: 0 membrane, 255 cell,
 * other values unlabelled) as slices to mix into fine-tuning batches; null when there is none.
 */
export async function loadReplaySet(modelDir: string): Promise<CorrectionSlice[] | null> {
  const dir = path.join(modelDir, REPLAY_DIR);
  if (!existsSync(path.join(dir, IMAGES)) || !existsSync(path.join(dir, LABELS))) return null;
  const [images, labels] = await Promise.all([readVolume(path.join(dir, IMAGES)), readVolume(path.join(dir, LABELS))]);
  if (images.width !== labels.width || images.height !== labels.height || images.depth !== labels.depth || labels.dtype !== 'uint8' || !images.data || !labels.data) {
    throw new Error(`The replay set in ${dir} is damaged: ${IMAGES} and ${LABELS} must be stacks of one shape, with 8-bit labels (0 membrane, 255 cell). Delete the folder to fine-tune without it.`);
  }
  return correctionSlices({ width: images.width, height: images.height, data: images.data }, labelsToCorrections({ ...labels, data: labels.data }));
}

/**
 * The replay set for fine-tuning a model: its own folder's, or else the shipped model's when the
 * model has the shipped architecture and normalisation (a project's versions descend from the
 * shipped model, and saved versions do not copy the replay folder). Null otherwise.
 */
export async function replaySetFor(model: LoadedModel): Promise<CorrectionSlice[] | null> {
  const own = await loadReplaySet(model.dir);
  if (own) return own;
  const shipped = shippedModelDir();
  if (path.resolve(model.dir) === path.resolve(shipped) || !sameKind(model.meta, await shippedMeta(shipped))) return null;
  return loadReplaySet(shipped);
}

async function shippedMeta(dir: string): Promise<ModelMeta | null> {
  // A missing or unreadable membrana.json means no shipped model to compare with: no replay set, logged.
  const text = await readFile(path.join(dir, META_JSON), 'utf8').catch((error: Error) => {
    log.warn('Could not read the shipped model metadata; fine-tuning goes without its replay set', { file: path.join(dir, META_JSON), error: error.message });
    return 'null';
  });
  try {
    return JSON.parse(text) as ModelMeta | null;
  } catch (error) {
    throw new Error(`${path.join(dir, META_JSON)} is not valid JSON (${(error as Error).message}); reinstall Membrana to restore the shipped model.`, { cause: error });
  }
}

function sameKind(a: ModelMeta, b: ModelMeta | null): boolean {
  return !!b && JSON.stringify(a.architecture) === JSON.stringify(b.architecture) && JSON.stringify(a.normalization) === JSON.stringify(b.normalization);
}
