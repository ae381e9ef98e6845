import type { io } from '@tensorflow/tfjs-core';
import { ModelError } from './ModelError.js';
import type { ModelMeta } from './modelFolder.js';

/*
 * A model folder checked against what Membrana's model format allows, before a tensor is made:
 * membrana.json's values (validateModelSpec), model.json's weight list (validateWeightSpecs) and
 * the weights themselves (checkWeightsFinite). Errors are ModelErrors naming the file.
 */

/** Tile edges a model may ask for (tiny test models use 32–64; the CLI lets --tile go down to 96). */
export const TILE_RANGE = [16, 4096] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

/**
 * membrana.json's values, each against what the model format allows: format and version, a U-Net
 * of 1–8 levels and 1–512 base filters, slice z-score normalisation with 0 < epsilon ≤ 1, a
 * membrane-probability output, and tiles of 16–4096 pixels (a multiple of the U-Net's 2^(levels-1))
 * overlapping by less than half a tile. Throws MODEL_UNSUPPORTED (another format or version) or
 * MODEL_CORRUPT naming `file` and every field that is wrong.
 */
export function validateModelSpec(json: unknown, file: string, hint: string): ModelMeta {
  if (!isObject(json) || json.format !== 'membrana-membrane-model' || json.version !== 1) {
    throw new ModelError('MODEL_UNSUPPORTED', `${file} is not a Membrana membrane model (version 1).`, { file, hint });
  }
  const problems: string[] = [];
  const architecture = json.architecture;
  let multiple = 1;
  if (!isObject(architecture) || architecture.kind !== 'unet') problems.push(`architecture.kind must be "unet"`);
  else {
    if (!isWhole(architecture.levels, 1, 8)) problems.push(`architecture.levels must be a whole number from 1 to 8, not ${JSON.stringify(architecture.levels)}`);
    else multiple = 2 ** (architecture.levels - 1);
    if (!isWhole(architecture.base, 1, 512)) problems.push(`architecture.base must be a whole number of filters from 1 to 512, not ${JSON.stringify(architecture.base)}`);
  }
  const normalization = json.normalization;
  if (!isObject(normalization) || normalization.kind !== 'slice-zscore') problems.push(`normalization.kind must be "slice-zscore", not ${JSON.stringify(isObject(normalization) ? normalization.kind : normalization)}`);
  else if (!(typeof normalization.epsilon === 'number' && normalization.epsilon > 0 && normalization.epsilon <= 1)) {
    problems.push(`normalization.epsilon must be a number above 0 and at most 1, not ${JSON.stringify(normalization.epsilon)}`);
  }
  if (json.output !== 'membrane-probability') problems.push(`output must be "membrane-probability", not ${JSON.stringify(json.output)}`);
  const tile = json.tile;
  if (!isObject(tile)) problems.push('tile must give size and overlap');
  else {
    const sizeOk = isWhole(tile.size, TILE_RANGE[0], TILE_RANGE[1]) && tile.size % multiple === 0;
    if (!sizeOk) problems.push(`tile.size must be a whole number of pixels from ${TILE_RANGE[0]} to ${TILE_RANGE[1]}, a multiple of ${multiple}, not ${JSON.stringify(tile.size)}`);
    if (!isWhole(tile.overlap, 0, sizeOk ? Math.ceil((tile.size as number) / 2) - 1 : TILE_RANGE[1])) problems.push(`tile.overlap must be a whole number of pixels, 0 or more and less than half a tile, not ${JSON.stringify(tile.overlap)}`);
  }
  if (json.training !== undefined && !isObject(json.training)) problems.push('training must be an object when present');
  if (problems.length > 0) throw new ModelError('MODEL_CORRUPT', `${file} is not a valid Membrana model description: ${problems.join('; ')}.`, { file, hint });
  return json as unknown as ModelMeta;
}

/** model.json's weight list: unique names, float32, shapes of whole non-negative sizes. */
export function validateWeightSpecs(specs: unknown, file: string, hint: string): io.WeightsManifestEntry[] {
  if (!Array.isArray(specs) || specs.length === 0) throw new ModelError('MODEL_CORRUPT', `${file} lists no weights.`, { file, hint });
  const names = new Set<string>();
  specs.forEach((spec: unknown, i) => {
    const at = isObject(spec) && typeof spec.name === 'string' ? `weight "${spec.name}"` : `weight ${i + 1}`;
    if (!isObject(spec) || typeof spec.name !== 'string') throw new ModelError('MODEL_CORRUPT', `${file}: ${at} has no name.`, { file, hint });
    if (names.has(spec.name)) throw new ModelError('MODEL_CORRUPT', `${file}: ${at} is listed twice.`, { file, hint });
    names.add(spec.name);
    if (spec.dtype !== 'float32') throw new ModelError('MODEL_CORRUPT', `${file}: ${at} has data type ${JSON.stringify(spec.dtype)}; Membrana models hold float32 weights.`, { file, hint });
    if (!Array.isArray(spec.shape) || !spec.shape.every((n) => isWhole(n, 0, 1 << 20))) throw new ModelError('MODEL_CORRUPT', `${file}: ${at} has the shape ${JSON.stringify(spec.shape)}, not a list of whole sizes.`, { file, hint });
  });
  return specs as io.WeightsManifestEntry[];
}

/**
 * Every weight is a finite number: a model with NaN or infinite weights predicts nothing (all
 * zeros, or NaN), so it is refused at load, naming the weight.
 */
export function checkWeightsFinite(weights: Uint8Array, specs: readonly io.WeightsManifestEntry[], file: string): void {
  const floats = weights.byteOffset % 4 === 0 ? new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength >> 2) : new Float32Array(weights.slice().buffer);
  let at = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    for (let i = at; i < at + count; i++) {
      const value = floats[i]!;
      if (value - value !== 0) {
        throw new ModelError('MODEL_CORRUPT', `${file}: weight "${spec.name}" holds ${Number.isNaN(value) ? 'NaN' : value > 0 ? '+Infinity' : '-Infinity'} (value ${i - at + 1} of ${count}); a model with such weights cannot predict.`, { file, hint: 'The model is damaged, or its training diverged: train it again (for example with a lower --lr), or use the model Membrana ships.' });
      }
    }
    at += count;
  }
}
