import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUnet } from './buildUnet.js';
import { DEFAULT_NORMALIZATION, loadModelFolder, saveModelFolder, type ModelMeta } from './modelFolder.js';
import { tf } from './tfjs.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-model-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const architecture = { kind: 'unet' as const, levels: 2, base: 2 };
const meta: ModelMeta = { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 64, overlap: 8 } };

describe('model folders', () => {
  it('round-trip weights and metadata, replacing an older model and keeping other files', async () => {
    const dir = path.join(tmp, 'model');
    await saveModelFolder(dir, buildUnet(architecture, 1), meta);
    writeFileSync(path.join(dir, 'training-log.jsonl'), '{}\n');
    const model = buildUnet(architecture, 7);
    await saveModelFolder(dir, model, { ...meta, training: { steps: 3 } });
    const loaded = await loadModelFolder(dir);
    expect(loaded.meta.training).toEqual({ steps: 3 });
    expect(readFileSync(path.join(dir, 'training-log.jsonl'), 'utf8')).toBe('{}\n');
    const x = tf.randomNormal([1, 16, 16, 1], 0, 1, 'float32', 5);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.model.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('builds the same network from the same seed', () => {
    const a = buildUnet(architecture, 11).getWeights().map((w) => Array.from(w.dataSync()));
    const b = buildUnet(architecture, 11).getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
  });

  it('names the folder or file and what to do when a model cannot be loaded', async () => {
    await expect(loadModelFolder(path.join(tmp, 'nowhere'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('nowhere'), hint: expect.stringContaining('--model') });
    const dir = path.join(tmp, 'broken');
    await saveModelFolder(dir, buildUnet(architecture, 1), meta);
    truncateSync(path.join(dir, 'weights.bin'), 100);
    await expect(loadModelFolder(dir)).rejects.toMatchObject({ code: 'MODEL_CORRUPT', message: expect.stringMatching(/weights\.bin has 100 bytes/) });
    writeFileSync(path.join(dir, 'membrana.json'), '{ not json');
    await expect(loadModelFolder(dir)).rejects.toMatchObject({ code: 'MODEL_CORRUPT', file: path.join(dir, 'membrana.json') });
    writeFileSync(path.join(dir, 'membrana.json'), JSON.stringify({ format: 'something-else' }));
    await expect(loadModelFolder(dir)).rejects.toMatchObject({ code: 'MODEL_UNSUPPORTED' });
    expect(readFileSync(path.join(dir, 'model.json'), 'utf8')).toContain('weightsManifest');
  });
});
