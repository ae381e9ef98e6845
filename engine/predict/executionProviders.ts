import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Where a model runs: ONNX Runtime's execution providers, fastest first, then TensorFlow.js
 * (the fallback when onnxruntime-node cannot load at all). MEMBRANA_EP names one of these.
 */
export const PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu', 'tfjs'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The provider a predictor runs on, as the CLI, the app's status line and the bench show it. */
export interface ProviderInfo {
  name: ProviderName;
  /** For people: 'ONNX Runtime CPU (2 threads)', 'ONNX Runtime WebGPU (nvidia, NVIDIA H200)'. */
  description: string;
  /** Why faster providers were passed over, one line each. */
  skipped: string[];
}

/** What each provider is called for people, and what it needs where it is missing. */
export const PROVIDER_LABELS: Record<ProviderName, string> = {
  cuda: 'CUDA',
  dml: 'DirectML',
  coreml: 'CoreML',
  webgpu: 'WebGPU',
  cpu: 'CPU',
  tfjs: 'TensorFlow.js',
};

/** The folder holding onnxruntime-node's native binding for this platform, or null when it is not installed. */
export function onnxBindingFolder(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string | null {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  } catch {
    return null;
  }
  // dist/index.js → bin/napi-v6/<platform>/<arch>/ (where the package's own loader looks).
  const folder = path.join(path.dirname(entry), '..', 'bin', 'napi-v6', platform, arch);
  return existsSync(path.join(folder, 'onnxruntime_binding.node')) ? folder : null;
}

/**
 * The providers this install offers here, fastest first, with why each other one is not: CUDA
 * only where onnxruntime-node's install step fetched its provider library (it needs CUDA 12 and
 * cuDNN 9 besides), DirectML on Windows and CoreML on macOS (built into those binaries), WebGPU
 * and CPU wherever the binding is. TensorFlow.js is always there.
 */
export function installedProviders(platform: NodeJS.Platform = process.platform, arch: string = process.arch): { available: ProviderName[]; missing: Map<ProviderName, string> } {
  const missing = new Map<ProviderName, string>();
  const binding = onnxBindingFolder(platform, arch);
  if (!binding) {
    for (const name of PROVIDERS) if (name !== 'tfjs') missing.set(name, `onnxruntime-node has no binary for ${platform}-${arch} in this install`);
    return { available: ['tfjs'], missing };
  }
  const cudaLibrary = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (!(platform === 'linux' || platform === 'win32')) missing.set('cuda', `ONNX Runtime has no CUDA build for ${platform}`);
  else if (!existsSync(path.join(binding, cudaLibrary))) {
    missing.set('cuda', `the CUDA provider (${cudaLibrary}) is not installed; reinstall onnxruntime-node with network access and without ONNXRUNTIME_NODE_INSTALL=skip`);
  }
  if (platform !== 'win32') missing.set('dml', 'DirectML is Windows only');
  if (platform !== 'darwin') missing.set('coreml', 'CoreML is macOS only');
  return { available: PROVIDERS.filter((name) => !missing.has(name)), missing };
}

/**
 * The providers to try, in order: the one MEMBRANA_EP names (forced), else every available one
 * fastest first. An unknown or unavailable name is an error that lists what is available here.
 */
export function providerOrder(override: string | undefined = process.env.MEMBRANA_EP, installed = installedProviders()): { order: ProviderName[]; forced: boolean } {
  const wanted = override?.trim().toLowerCase();
  if (!wanted) return { order: installed.available, forced: false };
  const list = installed.available.join(', ');
  if (!(PROVIDERS as readonly string[]).includes(wanted)) {
    throw Object.assign(new Error(`MEMBRANA_EP="${override}" is not an execution provider Membrana knows. Available here: ${list}.`), {
      code: 'UNSUPPORTED_PROVIDER',
      hint: `Set MEMBRANA_EP to one of ${list}, or unset it to pick the fastest automatically.`,
    });
  }
  const name = wanted as ProviderName;
  const why = installed.missing.get(name);
  if (why) {
    throw Object.assign(new Error(`MEMBRANA_EP=${name}: ${PROVIDER_LABELS[name]} is not available on this machine (${why}). Available here: ${list}.`), {
      code: 'UNSUPPORTED_PROVIDER',
      hint: `Set MEMBRANA_EP to one of ${list}, or unset it to pick the fastest automatically.`,
    });
  }
  return { order: [name], forced: true };
}
