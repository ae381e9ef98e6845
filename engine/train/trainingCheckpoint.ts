import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { writeFilesDurable } from '../base/writeFilesDurable.js';
import { loadModelFolder, saveModelFolder, type ModelMeta } from '../model/modelFolder.js';
import { tf } from '../model/tfjs.js';
import type { LoopState } from './trainLoop.js';

/** What a resumed run needs besides the weights: the training loop's state (its settings included, so --resume continues the same run). */
export type TrainingState = LoopState;

const STATE = 'state.json';
const OPTIMIZER = 'optimizer.bin';

export function checkpointDir(outDir: string): string {
  return path.join(outDir, 'checkpoint');
}

/** The model's trainable weights by their layer-scoped names ('down0_conv1/kernel'), in training order. */
export function weightNames(model: LayersModel): string[] {
  return model.trainableWeights.map((w) => w.originalName);
}

/**
 * Saves weights, optimizer moments and state, each file replaced whole (a kill leaves the old one
 * or the new, never half) and fsynced; the model folder first.
 * Adam keeps its moments by position in the variable list, and a model loaded from JSON may list
 * its weights in another order than the one built in code, so the names are stored alongside.
 */
export async function saveCheckpoint(outDir: string, model: LayersModel, meta: ModelMeta, optimizer: tf.Optimizer, state: TrainingState): Promise<void> {
  const dir = checkpointDir(outDir);
  const named = await optimizer.getWeights();
  const shapes = named.map((w) => ({ name: w.name, shape: w.tensor.shape }));
  // Stored as float32; the iteration count comes as int32 and must be converted, not reinterpreted.
  const arrays = await Promise.all(named.map(async (w) => Float32Array.from(await w.tensor.data())));
  const bytes = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let at = 0;
  for (const a of arrays) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  await saveModelFolder(dir, model, meta);
  // Each file whole and fsynced (temp + rename), the state last: hasCheckpoint looks for it.
  const stateText = `${JSON.stringify({ ...state, optimizer: shapes, variables: weightNames(model) }, null, 1)}\n`;
  await writeFilesDurable(new Map<string, Uint8Array | string>([[path.join(dir, OPTIMIZER), bytes], [path.join(dir, STATE), stateText]]), { atomic: true, concurrency: 1 });
}

export function hasCheckpoint(outDir: string): boolean {
  return existsSync(path.join(checkpointDir(outDir), STATE));
}

/** Restores a checkpoint written by saveCheckpoint into a fresh model and optimizer. */
export async function loadCheckpoint(outDir: string, optimizer: tf.Optimizer): Promise<{ model: LayersModel; meta: ModelMeta; state: TrainingState }> {
  const dir = checkpointDir(outDir);
  const { model, meta } = await loadModelFolder(dir);
  const raw = JSON.parse(await readFile(path.join(dir, STATE), 'utf8')) as TrainingState & { optimizer: { name: string; shape: number[] }[]; variables: string[] };
  if (!('start' in raw) || (raw.best !== null && !('tallies' in raw.best))) {
    throw new Error(`The checkpoint in ${dir} was written by an earlier Membrana, whose training judged models differently; delete ${dir} to start over.`);
  }
  const bytes = await readFile(path.join(dir, OPTIMIZER));
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let at = 0;
  const weights = raw.optimizer.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = floats.subarray(at, at + size);
    const tensor = name === 'iter' ? tf.scalar(Math.round(values[0]!), 'int32') : tf.tensor(values, shape);
    at += size;
    return { name, tensor };
  });
  if (at !== floats.length) throw new Error(`${path.join(dir, OPTIMIZER)} does not match ${path.join(dir, STATE)}; delete ${dir} to start over.`);
  // [iterations, first moments..., second moments...], each list in the saved variable order:
  // put them in this model's order.
  const [iterations, ...moments] = weights;
  const count = raw.variables.length;
  const order = weightNames(model).map((name) => {
    const index = raw.variables.indexOf(name);
    if (index < 0) throw new Error(`The checkpoint in ${dir} has no optimizer state for weight ${name}; delete ${dir} to start over.`);
    return index;
  });
  if (moments.length !== 2 * count || order.length !== count) throw new Error(`The optimizer state in ${dir} does not fit the model; delete ${dir} to start over.`);
  await optimizer.setWeights([iterations!, ...order.map((i) => moments[i]!), ...order.map((i) => moments[count + i]!)]);
  const { optimizer: _shapes, variables: _names, ...state } = raw;
  return { model, meta, state };
}
