import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTiff } from '../engine/io/writeTiff.js';
import { ROOT } from './launchServe.js';

// `membrana predict` as users run it: where the network runs, said on the summary line; no
// TensorFlow.js loaded on the ONNX Runtime path (its start-up is part of every run); a provider
// that does not exist here refused with the list of those that do.
const run = promisify(execFile);
const CLI = path.join(ROOT, 'bin', 'membrana.js');
let tmp: string;

/** Runs the CLI with a module hook that reports every TensorFlow.js module it resolves. */
async function membrana(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stderr: string }> {
  const hook = pathToFileURL(path.join(tmp, 'hook.mjs')).href;
  try {
    const { stderr } = await run(process.execPath, ['--import', pathToFileURL(path.join(tmp, 'register.mjs')).href, CLI, ...args], { cwd: tmp, env: { ...process.env, MEMBRANA_HOOK: hook, ...env } });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-providers-'));
  writeFileSync(path.join(tmp, 'register.mjs'), "import { register } from 'node:module';\nregister(process.env.MEMBRANA_HOOK);\n");
  writeFileSync(
    path.join(tmp, 'hook.mjs'),
    "export async function resolve(specifier, context, next) {\n  if (/@tensorflow\\//.test(specifier)) process.stderr.write(`TFJS-LOADED ${specifier}\\n`);\n  return next(specifier, context);\n}\n",
  );
  const data = new Uint8Array(100 * 80 * 2).map((_, i) => 100 + ((i * 7919) % 120));
  writeFileSync(path.join(tmp, 'stack.tif'), writeTiff({ width: 100, height: 80, depth: 2, dtype: 'uint8', data }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('membrana predict and its execution provider', () => {
  it('runs on ONNX Runtime without loading TensorFlow.js, and names the provider', async () => {
    const result = await membrana({ MEMBRANA_EP: '' }, 'predict', 'stack.tif', '-o', 'out.tif', '--threads', '1');
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('TFJS-LOADED');
    expect(result.stderr).toMatch(/Wrote .*out\.tif in .* on ONNX Runtime CPU \(1 thread\)\./);
  });

  it('runs on TensorFlow.js when MEMBRANA_EP=tfjs, and says so', async () => {
    const result = await membrana({ MEMBRANA_EP: 'tfjs', MEMBRANA_BACKEND: 'wasm' }, 'predict', 'stack.tif', '-o', 'tfjs.tif');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('TFJS-LOADED');
    expect(result.stderr).toMatch(/on TensorFlow\.js WebAssembly/);
  });

  it('refuses a provider it does not know or does not have, listing those it has', async () => {
    const unknown = await membrana({ MEMBRANA_EP: 'quantum' }, 'predict', 'stack.tif', '-o', 'never.tif');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/MEMBRANA_EP="quantum" is not an execution provider Membrana knows\. Available here: .*cpu, tfjs\./);
    const foreign = await membrana({ MEMBRANA_EP: process.platform === 'win32' ? 'coreml' : 'dml' }, 'predict', 'stack.tif', '-o', 'never.tif');
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/is not available on this machine .*Available here:/);
  });
});
