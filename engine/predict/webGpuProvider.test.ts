import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findAppRoot } from '../base/appRoot.js';
import { workerBuild } from '../workers/testing/workerBuild.js';

// The WebGPU provider on SwiftShader, Chromium's Vulkan driver on the CPU (CI installs chromium
// and libvulkan1): the same code path as on a GPU, far slower, so a small tile. It runs in a
// child process, with the Vulkan driver chosen by its environment, so a Dawn failure cannot take
// the test runner down. The child runs the compiled build/.
const build = workerBuild('predict/openPredictor.js', ['engine/predict', 'engine/model', 'engine/model/onnx']);
const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', VK_ICD_FILENAMES: ICD, MEMBRANA_EP: '' };

function hasGpuDevice(): boolean {
  const list = (folder: string): string[] => (existsSync(folder) ? readdirSync(folder) : []);
  return list('/dev/dri').some((name) => name.startsWith('renderD')) || list('/dev').some((name) => /^nvidia\d+$/.test(name)) || process.platform !== 'linux';
}

function script(): string {
  const root = findAppRoot();
  const module = (file: string): string => JSON.stringify(path.join(root, 'build', 'engine', file));
  return `
    const { openPredictor } = await import(${module('predict/openPredictor.js')});
    const { shippedModelDir } = await import(${module('model/modelFolder.js')});
    const { webGpuSkipReason } = await import(${module('predict/webGpuAdapter.js')});
    const input = Float32Array.from({ length: 96 * 80 }, (_, i) => Math.sin(i / 7) + Math.cos(i / 53));
    const options = { maxTile: 96, overlap: 8, multiple: 8 };
    const result = {};
    for (const provider of ['webgpu', 'cpu']) {
      const predictor = await openPredictor(shippedModelDir(), { provider, threads: 1 });
      result[provider] = { provider: predictor.provider, output: Array.from(await predictor.predictSlice(input, 96, 80, options)) };
      await predictor.dispose();
    }
    // Left to choose, a software adapter is passed over (here without a GPU device node, or by Dawn's own word).
    result.auto = await webGpuSkipReason();
    console.log(JSON.stringify(result));`;
}

describe.skipIf(build !== null && 'missing' in build)('the WebGPU execution provider', () => {
  it('predicts a tile on SwiftShader within 1e-3 of the CPU provider, and is not picked automatically there', async () => {
    if (build && 'stale' in build) throw new Error(`build/ is older than ${build.stale}: run \`npm run build:node\` first.`);
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script()], { env, timeout: 170_000, maxBuffer: 64 << 20 });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { webgpu: { provider: { name: string }; output: number[] }; cpu: { provider: { name: string }; output: number[] }; auto: string | null };
    expect(result.webgpu.provider.name).toBe('webgpu');
    expect(result.cpu.provider.name).toBe('cpu');
    let worst = 0;
    for (let i = 0; i < result.cpu.output.length; i++) worst = Math.max(worst, Math.abs(result.webgpu.output[i]! - result.cpu.output[i]!));
    expect(worst).toBeLessThan(1e-3);
    // Not a constant map: the output follows the input.
    expect(Math.max(...result.cpu.output) - Math.min(...result.cpu.output)).toBeGreaterThan(0.05);
    // Where a real GPU is present, Dawn prefers it over SwiftShader and WebGPU may well be picked.
    if (!hasGpuDevice()) expect(result.auto).toMatch(/no GPU device|fallback|software/);
  }, 180_000);
});
