import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyModel, modelCases } from '../fuzz/modelCases.js';
import { readModelMeta } from '../predict/modelForInference.js';
import { ModelError } from './ModelError.js';
import { shippedModelDir } from './modelFolder.js';
import { readModelArtifacts } from './readModelArtifacts.js';
import { validateModelSpec } from './validateModelSpec.js';

describe('validateModelSpec', () => {
  let shipped: Record<string, unknown>;
  beforeAll(async () => {
    shipped = JSON.parse(await readFile(path.join(shippedModelDir(), 'membrana.json'), 'utf8')) as Record<string, unknown>;
  });

  it("accepts the shipped model's membrana.json", () => {
    expect(validateModelSpec(shipped, 'membrana.json', 'hint').tile).toEqual({ size: 640, overlap: 32 });
  });

  it('names every value the model format does not allow, in one message', () => {
    const broken = { ...shipped, normalization: { kind: 'minmax', epsilon: 0 }, output: 'logits', tile: { size: 'big', overlap: -32 } };
    let error: unknown;
    try {
      validateModelSpec(broken, '/m/membrana.json', 'hint');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toBe(
      '/m/membrana.json is not a valid Membrana model description: normalization.kind must be "slice-zscore", not "minmax"; output must be "membrane-probability", not "logits"; tile.size must be a whole number of pixels from 16 to 4096, a multiple of 8, not "big"; tile.overlap must be a whole number of pixels, 0 or more and less than half a tile, not -32.',
    );
  });

  it('refuses epsilon 0, a tile of 1e9 and an overlap of half a tile', () => {
    for (const change of [{ normalization: { kind: 'slice-zscore', epsilon: 0 } }, { tile: { size: 1e9, overlap: 32 } }, { tile: { size: 640, overlap: 320 } }]) {
      expect(() => validateModelSpec({ ...shipped, ...change }, 'membrana.json', 'hint')).toThrow(ModelError);
    }
  });
});

describe('model folders broken by the fuzz campaign are refused before TensorFlow.js or ONNX Runtime sees them', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-model-valid-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const c of modelCases().filter((c) => !c.name.startsWith('model-json-bogus') && !c.name.startsWith('model-json-weights-path'))) {
    it(`${c.name}: ${c.note}`, async () => {
      const folder = path.join(dir, c.name);
      await copyModel(shippedModelDir(), folder);
      await c.damage(folder);
      const error = await readModelMeta(folder)
        .then(() => readModelArtifacts(folder))
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).message).toContain(folder);
    });
  }
});
