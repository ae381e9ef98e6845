import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Why automatic selection should not put the network on WebGPU here, or null to try it.
 *
 * Software WebGPU (SwiftShader, Mesa's lavapipe/llvmpipe, Windows WARP) runs this U-Net tens of
 * times slower than ONNX Runtime's CPU provider on the same cores (a 512² slice: 41 s on
 * SwiftShader against 0.1 s), so picking it because it "started" would be a trap. Two checks:
 * on Linux, a GPU is reachable only through a device node (/dev/dri/renderD*, /dev/nvidia*), a
 * free test that rules out GPU-less machines without loading Dawn; then, where the optional
 * `webgpu` package (Dawn) is installed, the adapter Dawn prefers must not be a CPU one. Without
 * that package the adapter cannot be inspected, and WebGPU is tried where a device node exists.
 * MEMBRANA_EP=webgpu skips these checks (tests use it on SwiftShader).
 */
export async function webGpuSkipReason(platform: NodeJS.Platform = process.platform): Promise<string | null> {
  if (platform === 'linux' && !hasLinuxGpuDevice()) return 'no GPU device (/dev/dri/renderD*, /dev/nvidia*); a software WebGPU adapter would be far slower than the CPU';
  const facts = await probeAdapter();
  if (facts === 'unknown') return null;
  if (facts === null) return 'Dawn found no WebGPU adapter (no Vulkan, Metal or Direct3D 12 GPU driver)';
  const software = softwareAdapter(facts);
  return software ? `the WebGPU adapter, ${adapterLabel(facts)}, is ${software}, far slower than the CPU` : null;
}

/** What an adapter says about itself (GPUAdapterInfo), as far as choosing a provider needs. */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** Why an adapter computes on the CPU, or null for a GPU. Dawn flags CPU adapters; names are checked too, for drivers that do not. */
export function softwareAdapter(facts: AdapterFacts): string | null {
  if (facts.isFallbackAdapter) return 'a fallback (CPU) adapter';
  const match = /swiftshader|lavapipe|llvmpipe|softpipe|microsoft basic render|\bwarp\b/i.exec([facts.vendor, facts.architecture, facts.device, facts.description].join(' '));
  return match ? `a software renderer (${match[0]})` : null;
}

/** 'nvidia hopper, NVIDIA H200' */
export function adapterLabel(facts: AdapterFacts): string {
  return [[facts.vendor, facts.architecture].filter(Boolean).join(' '), facts.device || facts.description].filter(Boolean).join(', ') || 'an unnamed adapter';
}

function hasLinuxGpuDevice(): boolean {
  try {
    if (existsSync('/dev/dri') && readdirSync('/dev/dri').some((name) => name.startsWith('renderD'))) return true;
  } catch {
    // unreadable /dev/dri: fall through to the NVIDIA nodes
  }
  try {
    return readdirSync('/dev').some((name) => /^nvidia\d+$/.test(name));
  } catch {
    return false;
  }
}

let probed: Promise<AdapterFacts | null | 'unknown'> | null = null;

/** The adapter Dawn would pick for high performance (once per process); 'unknown' without the webgpu package. */
export function probeAdapter(): Promise<AdapterFacts | null | 'unknown'> {
  probed ??= (async () => {
    try {
      createRequire(import.meta.url).resolve('webgpu');
    } catch {
      return 'unknown';
    }
    try {
      const { create } = (await import('webgpu')) as { create: (flags: string[]) => GPU };
      const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) return null;
      const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
      return {
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        description: info.description,
        isFallbackAdapter: info.isFallbackAdapter === true || (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
      };
    } catch {
      return 'unknown';
    }
  })();
  return probed;
}
