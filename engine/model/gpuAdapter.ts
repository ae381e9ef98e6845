import { existsSync, readdirSync } from 'node:fs';

/**
 * What a WebGPU adapter is, for choosing where the network runs: shared by training's tfjs
 * backend (webgpuBackend) and prediction's ONNX Runtime provider (predict/webGpuAdapter).
 * Loads neither TensorFlow.js nor Dawn.
 */

/** What an adapter says about itself (GPUAdapterInfo), as far as choosing a backend needs. */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

/**
 * Why an adapter computes on the CPU rather than a GPU, or null for a hardware GPU. Software
 * WebGPU (SwiftShader, Mesa's lavapipe/llvmpipe, Windows WARP) trains this U-Net many times
 * slower than the wasm backend on the same cores, so choosing it automatically would be a
 * trap. Dawn marks CPU adapters with isFallbackAdapter; the names are checked too because
 * older Dawn builds and some drivers leave the flag unset.
 */
export function softwareAdapterReason(facts: AdapterFacts): string | null {
  if (facts.isFallbackAdapter) return 'a fallback (CPU) adapter';
  const text = [facts.vendor, facts.architecture, facts.device, facts.description].join(' ');
  const match = /swiftshader|lavapipe|llvmpipe|softpipe|microsoft basic render|\bwarp\b|software/i.exec(text);
  return match ? `a software renderer (${match[0]})` : null;
}

/**
 * On Linux, why there can be no hardware GPU to probe (no /dev/dri render node, no /dev/nvidia*
 * device), or null. Probing would only find software Vulkan drivers, which automatic choice skips
 * anyway, after Mesa and Dawn print warnings to stderr in every process and worker.
 */
export function noGpuDevice(platform: NodeJS.Platform = process.platform, devices = '/dev'): string | null {
  if (platform !== 'linux') return null;
  const render = listing(`${devices}/dri`).some((name) => name.startsWith('renderD'));
  const nvidia = listing(devices).some((name) => /^nvidia\d+$/.test(name));
  return render || nvidia ? null : `no GPU device in ${devices} (no dri render node, no nvidia device)`;
}

/** A short name for people: 'nvidia ampere, NVIDIA GeForce RTX 3080'. */
export function adapterName(facts: AdapterFacts): string {
  const parts = [[facts.vendor, facts.architecture].filter(Boolean).join(' '), facts.device || facts.description].filter(Boolean);
  return parts.join(', ') || 'an unnamed adapter';
}

function listing(folder: string): string[] {
  try {
    return existsSync(folder) ? readdirSync(folder) : [];
  } catch {
    return []; // an unreadable folder holds no device we could use
  }
}
