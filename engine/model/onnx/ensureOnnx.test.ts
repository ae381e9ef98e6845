import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUnet } from '../buildUnet.js';
import { ModelError } from '../ModelError.js';
import { DEFAULT_NORMALIZATION, saveModelFolder, shippedModelDir, type ModelMeta } from '../modelFolder.js';
import { readModelArtifacts } from '../readModelArtifacts.js';
import { tf } from '../tfjs.js';
import { ensureOnnx } from './ensureOnnx.js';
import { exportOnnx, exportOnnxFromArtifacts, ONNX_FILE, sourceDigest, weightsOfArtifacts } from './exportOnnx.js';
import { onnxFileProblem } from './onnxFileProblem.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-onnx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const architecture = { kind: 'unet' as const, levels: 3, base: 4 };
const meta: ModelMeta = { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 64, overlap: 8 } };

let folders = 0;
async function savedFolder(seed: number): Promise<string> {
  const dir = path.join(tmp, `model-${++folders}`);
  const model = buildUnet(architecture, seed);
  await saveModelFolder(dir, model, meta);
  model.dispose();
  return dir;
}

/** ensureOnnx, collecting its warnings. */
async function ensure(dir: string, options: { remake?: boolean } = {}): Promise<{ file: string; warnings: string[] }> {
  const warnings: string[] = [];
  const file = await ensureOnnx(dir, { ...options, onWarning: (message) => warnings.push(message) });
  return { file, warnings };
}

const onnxOf = (dir: string): Buffer => readFileSync(path.join(dir, ONNX_FILE));

describe('model.onnx in model folders', () => {
  it('is written by saveModelFolder, the same bytes each time and as exportOnnx gives, and runs in ONNX Runtime as tfjs runs the model', async () => {
    const model = buildUnet(architecture, 3);
    const dir = path.join(tmp, 'saved-twice');
    await saveModelFolder(dir, model, meta);
    const first = onnxOf(dir);
    await saveModelFolder(dir, model, { ...meta, training: { steps: 1 } });
    expect(onnxOf(dir).equals(first)).toBe(true);
    expect(Buffer.from(await exportOnnx(model)).equals(first)).toBe(true);
    // A different model gives a different file.
    expect(onnxOf(await savedFolder(4)).equals(first)).toBe(false);

    const session = await InferenceSession.create(first);
    const x = tf.randomNormal([2, 24, 40, 1], 0, 1, 'float32', 9);
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    const output = (await session.run({ image: new Tensor('float32', x.dataSync() as Float32Array, [2, 1, 24, 40]) })).membrane!;
    expect(output.dims).toEqual([2, 1, 24, 40]);
    const actual = output.data as Float32Array;
    expect(Math.max(...Array.from(expected, (v, i) => Math.abs(v - actual[i]!)))).toBeLessThan(1e-5);
    await session.release();
    model.dispose();
  });

  it('is made silently for a folder without one, and left alone when it matches', async () => {
    const dir = await savedFolder(5);
    const saved = onnxOf(dir);
    rmSync(path.join(dir, ONNX_FILE));
    const made = await ensure(dir);
    expect(made).toEqual({ file: path.join(dir, ONNX_FILE), warnings: [] });
    expect(onnxOf(dir).equals(saved)).toBe(true);
    const before = statSync(made.file);
    expect(await ensure(dir)).toEqual(made);
    const after = statSync(made.file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    // remake rewrites a good file without a warning.
    expect((await ensure(dir, { remake: true })).warnings).toEqual([]);
    expect(statSync(made.file).ino).not.toBe(before.ino);
    expect(onnxOf(dir).equals(saved)).toBe(true);
  });

  it('is remade with a warning saying what was wrong when truncated, damaged, stale, foreign or from another exporter version', async () => {
    const dir = await savedFolder(6);
    const file = path.join(dir, ONNX_FILE);
    const good = onnxOf(dir);
    const otherModel = onnxOf(await savedFolder(7));
    const flipped = Buffer.from(good);
    const middle = Math.floor(good.length / 2); // inside the weights
    flipped[middle] = flipped[middle]! ^ 0x40;
    const oldVersion = Buffer.from(good);
    const producer = Buffer.from([0x12, 8, ...Buffer.from('membrana'), 0x1a, 1, 0x31]); // producer_name, producer_version '1'
    const at = oldVersion.indexOf(producer);
    expect(at).toBeGreaterThan(0);
    oldVersion[at + producer.length - 1] = 0x30;
    const cases: [string, (() => void), RegExp][] = [
      ['truncated', () => truncateSync(file, 1000), /not a readable ONNX file/],
      ['emptied', () => writeFileSync(file, ''), /not a Membrana ONNX model/],
      ['a byte flipped', () => writeFileSync(file, flipped), /does not match its checksum/],
      ['another model', () => writeFileSync(file, otherModel), /other weights \(stale\)/],
      ['text', () => writeFileSync(file, 'not a model at all\n'), /not a readable ONNX file|not a Membrana/],
      ['exporter version 0', () => writeFileSync(file, oldVersion), /exporter version 0, not 1/],
    ];
    for (const [label, damage, reason] of cases) {
      damage();
      const { warnings } = await ensure(dir);
      expect(warnings, label).toHaveLength(1);
      expect(warnings[0], label).toContain(file);
      expect(warnings[0], label).toMatch(reason);
      expect(onnxOf(dir).equals(good), label).toBe(true);
    }
  });

  it('is remade when the weights change under it (a model folder copied over without its model.onnx)', async () => {
    const a = await savedFolder(8);
    const b = await savedFolder(9);
    for (const name of ['model.json', 'weights.bin']) cpSync(path.join(b, name), path.join(a, name));
    const { warnings } = await ensure(a);
    expect(warnings).toEqual([expect.stringMatching(/stale/)]);
    expect(onnxOf(a).equals(onnxOf(b))).toBe(true);
  });

  it('names the file and what to do when the weights cannot be read or exported', async () => {
    const dir = await savedFolder(10);
    truncateSync(path.join(dir, 'weights.bin'), 64);
    await expect(ensureOnnx(dir)).rejects.toMatchObject({ code: 'MODEL_CORRUPT', file: path.join(dir, 'weights.bin') });
    await expect(ensureOnnx(path.join(tmp, 'nowhere'))).rejects.toBeInstanceOf(ModelError);
    const escaping = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    escaping.weightsManifest[0].paths = ['../model-1/weights.bin'];
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(escaping));
    await expect(ensureOnnx(dir)).rejects.toMatchObject({ code: 'MODEL_CORRUPT', message: expect.stringMatching(/outside the model folder/) });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    manifest.weightsManifest[0].paths = ['weights.bin'];
    manifest.modelTopology.config.layers[1].config.activation = 'tanh';
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(manifest));
    cpSync(path.join(await savedFolder(10), 'weights.bin'), path.join(dir, 'weights.bin'));
    await expect(ensureOnnx(dir)).rejects.toMatchObject({ code: 'MODEL_UNSUPPORTED', message: expect.stringMatching(/down0_conv1 uses activation 'tanh'/), hint: expect.stringContaining('MEMBRANA_EP=tfjs') });
  });

  it('for the shipped model is committed, whole and current (regenerate: see engine/model/onnx/README.md)', async () => {
    const dir = shippedModelDir();
    const artifacts = await readModelArtifacts(dir);
    const committed = onnxOf(dir);
    expect(onnxFileProblem(committed, sourceDigest(artifacts.modelTopology, weightsOfArtifacts(artifacts.weightSpecs, artifacts.weightData)))).toBeNull();
    expect(Buffer.from(exportOnnxFromArtifacts(artifacts.modelTopology, artifacts.weightSpecs, artifacts.weightData)).equals(committed)).toBe(true);
  });
});
