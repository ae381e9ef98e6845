import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWebgpuCheck, swiftShaderMissing } from './testing/swiftShader.js';
import { adapterName, noGpuDevice, softwareAdapterReason, type AdapterFacts } from './webgpuBackend.js';

const facts = (overrides: Partial<AdapterFacts>): AdapterFacts => ({ vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, ...overrides });

describe('softwareAdapterReason', () => {
  it('passes hardware GPUs and catches CPU renderers by flag or by name', () => {
    expect(softwareAdapterReason(facts({ vendor: 'nvidia', architecture: 'ampere', device: 'NVIDIA GeForce RTX 3080' }))).toBeNull();
    expect(softwareAdapterReason(facts({ vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' }))).toBeNull();
    expect(softwareAdapterReason(facts({ vendor: 'amd', architecture: 'rdna-2', description: 'AMD Radeon RX 6800 (RADV NAVI21)' }))).toBeNull();
    expect(softwareAdapterReason(facts({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true }))).toMatch(/fallback/);
    expect(softwareAdapterReason(facts({ vendor: 'google', architecture: 'swiftshader' }))).toMatch(/swiftshader/);
    expect(softwareAdapterReason(facts({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toMatch(/llvmpipe/);
    expect(softwareAdapterReason(facts({ description: 'Microsoft Basic Render Driver' }))).toMatch(/basic render/i);
  });

  it('names an adapter for people', () => {
    expect(adapterName(facts({ vendor: 'nvidia', architecture: 'ampere', device: 'NVIDIA GeForce RTX 3080' }))).toBe('nvidia ampere, NVIDIA GeForce RTX 3080');
    expect(adapterName(facts({}))).toBe('an unnamed adapter');
  });
});

describe('noGpuDevice', () => {
  it('on Linux, finds a render node or an nvidia device, and says what is missing otherwise', () => {
    const devices = mkdtempSync(path.join(os.tmpdir(), 'membrana-dev-'));
    try {
      expect(noGpuDevice('linux', devices)).toMatch(/no GPU device/);
      mkdirSync(path.join(devices, 'dri'));
      writeFileSync(path.join(devices, 'dri', 'card0'), '');
      expect(noGpuDevice('linux', devices)).toMatch(/no GPU device/); // a display card alone has no compute
      writeFileSync(path.join(devices, 'dri', 'renderD128'), '');
      expect(noGpuDevice('linux', devices)).toBeNull();
      rmSync(path.join(devices, 'dri'), { recursive: true });
      writeFileSync(path.join(devices, 'nvidiactl'), '');
      expect(noGpuDevice('linux', devices)).toMatch(/no GPU device/);
      writeFileSync(path.join(devices, 'nvidia0'), '');
      expect(noGpuDevice('linux', devices)).toBeNull();
      expect(noGpuDevice('darwin', path.join(devices, 'absent'))).toBeNull(); // Metal and Direct3D are always probed
    } finally {
      rmSync(devices, { recursive: true, force: true });
    }
  });
});

const missing = swiftShaderMissing();
if (missing) console.warn(`Skipping the WebGPU training tests: ${missing}.`);

describe.skipIf(missing !== null)('WebGPU training on SwiftShader (needs `npm run build:node`)', () => {
  it('is skipped by automatic selection, which says why: no GPU device, or a software adapter', async () => {
    const devices = mkdtempSync(path.join(os.tmpdir(), 'membrana-dev-'));
    try {
      mkdirSync(path.join(devices, 'dri'));
      writeFileSync(path.join(devices, 'dri', 'renderD128'), '');
      const result = await runWebgpuCheck('auto', devices);
      expect(result.choice).not.toBe('webgpu');
      expect((result.skipped as string[]).find((line) => line.startsWith('webgpu:'))).toMatch(/(no GPU device|swiftshader.*(fallback|software)).*MEMBRANA_BACKEND=webgpu forces/);
      expect(result.probed, JSON.stringify(result)).toMatch(/swiftshader.*fallback \(CPU\) adapter.*slower than wasm.*MEMBRANA_BACKEND=webgpu forces it/);
    } finally {
      rmSync(devices, { recursive: true, force: true });
    }
  }, 60_000);

  it('when forced, trains a tiny U-Net in a TrainingPool worker as the cpu backend does, and resumes from its read-back Adam state', async () => {
    const result = await runWebgpuCheck('forced');
    expect((result.backend as { choice: string }).choice).toBe('webgpu');
    expect(Math.abs((result.loss as number) - (result.cpuLoss as number)) / (result.cpuLoss as number)).toBeLessThan(1e-5);
    const gradients = result.gradientErrors as Record<string, number>;
    expect(Object.keys(gradients)).toHaveLength(16); // 7 convs and 1 transposed conv, kernel and bias each
    for (const [name, error] of Object.entries(gradients)) expect(error, `gradient of ${name}`).toBeLessThan(1e-3);
    expect(result.changed as number).toBeGreaterThan(1e-3); // the step moved the weights
    for (const [name, error] of Object.entries(result.weightErrors as Record<string, number>)) expect(error, `${name} after one step`).toBeLessThan(1e-3);
    expect(result.restoredIterations).toBe(1);
    expect(result.restoredMomentError).toBeLessThan(1e-6);
    for (const [name, error] of Object.entries(result.resumedWeightErrors as Record<string, number>)) expect(error, `${name} after a resumed step`).toBeLessThan(1e-3);
  }, 180_000);
});
