import { describe, expect, it } from 'vitest';
import { runWebgpuCheck, swiftShaderMissing } from './testing/swiftShader.js';
import { adapterName, softwareAdapterReason, type AdapterFacts } from './webgpuBackend.js';

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

const missing = swiftShaderMissing();
if (missing) console.warn(`Skipping the WebGPU training tests: ${missing}.`);

describe.skipIf(missing !== null)('WebGPU training on SwiftShader (needs `npm run build:node`)', () => {
  it('is skipped by automatic selection, which says the adapter is software', async () => {
    const result = await runWebgpuCheck('auto');
    expect(result.choice).not.toBe('webgpu');
    expect((result.skipped as string[]).find((line) => line.startsWith('webgpu:'))).toMatch(/swiftshader.*(fallback|software).*MEMBRANA_BACKEND=webgpu forces it/);
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
