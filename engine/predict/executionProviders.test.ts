import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedProviders, onnxBindingFolder, providerOrder } from './executionProviders.js';
import { softwareAdapterReason as softwareAdapter } from '../model/gpuAdapter.js';

describe('execution providers', () => {
  it('offers, fastest first, what each platform build of onnxruntime-node carries', () => {
    // The npm package carries the Linux, macOS and Windows binaries; CUDA's provider only where its install step fetched it.
    const linuxBinding = onnxBindingFolder('linux', 'x64');
    expect(linuxBinding).not.toBeNull();
    const cuda = existsSync(path.join(linuxBinding!, 'libonnxruntime_providers_cuda.so'));
    expect(installedProviders('linux', 'x64').available).toEqual([...(cuda ? ['cuda'] : []), 'webgpu', 'cpu', 'tfjs']);
    expect(installedProviders('win32', 'x64').available.slice(-4)).toEqual(['dml', 'webgpu', 'cpu', 'tfjs']);
    expect(installedProviders('darwin', 'arm64').available).toEqual(['coreml', 'webgpu', 'cpu', 'tfjs']);
    if (!cuda) expect(installedProviders('linux', 'x64').missing.get('cuda')).toMatch(/libonnxruntime_providers_cuda\.so.*not installed/);
    // A platform the package has no binary for falls back to TensorFlow.js alone.
    expect(installedProviders('freebsd', 'x64')).toMatchObject({ available: ['tfjs'] });
  });

  it('follows MEMBRANA_EP, and refuses an unknown or unavailable one with the list of what is available', () => {
    const linux: ReturnType<typeof installedProviders> = {
      available: ['webgpu', 'cpu', 'tfjs'],
      missing: new Map([['cuda', 'not installed'], ['dml', 'DirectML is Windows only'], ['coreml', 'CoreML is macOS only']]),
    };
    expect(providerOrder(undefined, linux)).toEqual({ order: ['webgpu', 'cpu', 'tfjs'], forced: false });
    expect(providerOrder('  ', linux)).toEqual({ order: ['webgpu', 'cpu', 'tfjs'], forced: false });
    expect(providerOrder('CPU', linux)).toEqual({ order: ['cpu'], forced: true });
    expect(providerOrder('tfjs', linux)).toEqual({ order: ['tfjs'], forced: true });
    expect(() => providerOrder('tensorrt', linux)).toThrow('MEMBRANA_EP="tensorrt" is not an execution provider Membrana knows. Available here: webgpu, cpu, tfjs.');
    expect(() => providerOrder('dml', linux)).toThrow(/MEMBRANA_EP=dml: DirectML is not available on this machine \(DirectML is Windows only\)\. Available here: webgpu, cpu, tfjs\./);
    expect(() => providerOrder('cuda', linux)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_PROVIDER', hint: expect.stringContaining('webgpu, cpu, tfjs') }));
    expect(providerOrder('dml', installedProviders('win32', 'x64'))).toEqual({ order: ['dml'], forced: true });
    expect(providerOrder('coreml', installedProviders('darwin', 'arm64'))).toEqual({ order: ['coreml'], forced: true });
  });

  it('tells a software WebGPU adapter from a GPU', () => {
    const swiftShader = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true };
    expect(softwareAdapter(swiftShader)).toBe('a fallback (CPU) adapter');
    expect(softwareAdapter({ ...swiftShader, isFallbackAdapter: false })).toBe('a software renderer (swiftshader)');
    expect(softwareAdapter({ vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: '', isFallbackAdapter: false })).toMatch(/llvmpipe/);
    expect(softwareAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'NVIDIA: 570.1', isFallbackAdapter: false })).toBeNull();
  });
});
