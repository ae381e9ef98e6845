import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// TensorFlow.js takes about a second to load: the ONNX Runtime path must be able to check and
// make model.onnx (and read modelFolder's paths and types) without it. Any import of it fails here.
vi.mock('@tensorflow/tfjs-core', () => {
  throw new Error('@tensorflow/tfjs-core was loaded');
});
vi.mock('@tensorflow/tfjs-layers', () => {
  throw new Error('@tensorflow/tfjs-layers was loaded');
});
vi.mock('../tfjs.js', () => {
  throw new Error('engine/model/tfjs.js was loaded');
});

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-onnx-notfjs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ensureOnnx without TensorFlow.js', () => {
  it('makes model.onnx for a folder, importing modelFolder too, and never loads tfjs', async () => {
    const { ensureOnnx, shippedModelDir, ONNX_FILE } = await import('../modelFolder.js');
    const dir = path.join(tmp, 'membrane');
    cpSync(shippedModelDir(), dir, { recursive: true });
    rmSync(path.join(dir, ONNX_FILE));
    const warnings: string[] = [];
    expect(await ensureOnnx(dir, { onWarning: (m) => warnings.push(m) })).toBe(path.join(dir, ONNX_FILE));
    expect(warnings).toEqual([]);
    // The mocks do throw when tfjs is asked for.
    await expect(import('../tfjs.js')).rejects.toThrow(/error when mock/);
  });
});
