import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTiff } from '../engine/io/readTiff.js';
import { writeTiff } from '../engine/io/writeTiff.js';
import { buildUnet } from '../engine/model/buildUnet.js';
import { DEFAULT_NORMALIZATION, saveModelFolder } from '../engine/model/modelFolder.js';
import { ROOT } from './launchServe.js';

const run = promisify(execFile);
const CLI = path.join(ROOT, 'bin', 'membrana.js');
let tmp: string;

async function membrana(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: tmp, env: { ...process.env, MEMBRANA_BACKEND: 'wasm' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-cli-'));
  // A small untrained model (the CLI's job here is shapes, files and errors, not accuracy).
  const architecture = { kind: 'unet' as const, levels: 3, base: 4 };
  await saveModelFolder(path.join(tmp, 'model'), buildUnet(architecture, 1), {
    format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 96, overlap: 16 },
  });
  const data = new Uint16Array(70 * 45 * 3).map((_, i) => 1000 + ((i * 7919) % 3000));
  writeFileSync(path.join(tmp, 'stack.tif'), writeTiff({ width: 70, height: 45, depth: 3, dtype: 'uint16', data }, { compression: 'lzw' }));
  const labels = new Uint8Array(70 * 45 * 3).map((_, i) => (i % 70) % 9 === 0 ? 0 : 255);
  writeFileSync(path.join(tmp, 'labels.tif'), writeTiff({ width: 70, height: 45, depth: 3, dtype: 'uint8', data: labels }));
  writeFileSync(path.join(tmp, 'notes.tif'), 'not an image');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('membrana CLI', () => {
  it('predicts a uint8 stack of the same shape (any size, 16-bit input), then evaluates it', async () => {
    const result = await membrana('predict', 'stack.tif', '-o', 'pred.tif', '--model', 'model', '--tta');
    expect(result.stderr).toContain('Wrote');
    expect(result.code).toBe(0);
    const prediction = readTiff(new Uint8Array(readFileSync(path.join(tmp, 'pred.tif'))), 'pred.tif');
    expect(prediction).toMatchObject({ width: 70, height: 45, depth: 3, dtype: 'uint8' });
    const scores = await membrana('evaluate', 'pred.tif', 'labels.tif');
    expect(scores.code).toBe(0);
    const json = JSON.parse(scores.stdout) as Record<string, number>;
    for (const key of ['pixel_error', 'v_rand', 'v_info']) expect(json[key]).toBeGreaterThanOrEqual(0);
  });

  it('names the problem, exits non-zero and writes no partial output', async () => {
    const cases: [string[], number, RegExp][] = [
      [['predict', 'stack.tif', '-o', 'out1.tif', '--model', 'no-such-model'], 1, /No model folder at .*no-such-model/],
      [['predict', 'notes.tif', '-o', 'out2.tif', '--model', 'model'], 1, /notes\.tif/],
      [['predict', 'missing.tif', '-o', 'out3.tif', '--model', 'model'], 1, /missing\.tif/],
      [['predict', 'stack.tif'], 2, /-o out\.tif/],
      [['predict', 'stack.tif', '-o', 'out4.tif', '--tile', '7'], 2, /--tile must be/],
      [['train', '--images', 'stack.tif', '--labels', 'labels.tif', '--out', 'run'], 2, /--minutes N or --steps N/],
      [['evaluate', 'stack.tif'], 2, /give the prediction and the labels/],
      [['frobnicate'], 2, /unknown command "frobnicate"/],
    ];
    for (const [args, code, message] of cases) {
      const result = await membrana(...args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    expect(readdirSync(tmp).filter((f) => /^\.?out/.test(f) || f.endsWith('.tmp'))).toEqual([]);
  });

  it('trains briefly and prints one JSON line with its figures', async () => {
    const result = await membrana('train', '--images', 'stack.tif', '--labels', 'labels.tif', '--out', 'run', '--init', 'model', '--steps', '2', '--val-slices', '2-2', '--patch', '32', '--batch', '1');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(json).toMatchObject({ steps: 2, backend: expect.stringContaining('WebAssembly') });
    for (const key of ['train_px_per_s', 'seconds', 'v_rand', 'v_info', 'pixel_error']) expect(typeof json[key]).toBe('number');
    expect(existsSync(path.join(tmp, 'run', 'checkpoint', 'state.json'))).toBe(true);
  });

  it('stops on Ctrl+C with a checkpoint that --resume continues', async () => {
    const args = ['train', '--images', 'stack.tif', '--labels', 'labels.tif', '--out', 'interrupted', '--init', 'model', '--minutes', '10', '--val-slices', '2-2', '--patch', '32', '--batch', '1', '--workers', '1'];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: tmp, env: { ...process.env, MEMBRANA_BACKEND: 'wasm' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    await expect.poll(() => stderr, { timeout: 30_000 }).toMatch(/Training step [3-9]/);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(0);
    const stopped = JSON.parse(stdout.trim().split('\n').pop()!) as { steps: number };
    const resumed = await membrana(...args, '--steps', String(stopped.steps + 2), '--resume');
    expect(resumed.stderr).toContain(`Resuming`);
    expect((JSON.parse(resumed.stdout.trim().split('\n').pop()!) as { steps: number }).steps).toBe(stopped.steps + 2);
  });
});
