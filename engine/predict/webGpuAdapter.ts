import { createRequire } from 'node:module';
import { adapterName, noGpuDevice, softwareAdapterReason, type AdapterFacts } from '../model/gpuAdapter.js';
import { logger } from '../base/log.js';

const log = logger('predict');

export type { AdapterFacts };

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
  if (noGpuDevice(platform)) return 'no GPU device (/dev/dri/renderD*, /dev/nvidia*); a software WebGPU adapter would be far slower than the CPU';
  const facts = await probeAdapter();
  if (facts === 'unknown') return null;
  if (facts === null) return 'Dawn found no WebGPU adapter (no Vulkan, Metal or Direct3D 12 GPU driver)';
  const software = softwareAdapterReason(facts);
  return software ? `the WebGPU adapter, ${adapterName(facts)}, is ${software}, far slower than the CPU` : null;
}

let probed: Promise<AdapterFacts | null | 'unknown'> | null = null;

/** The adapter Dawn would pick for high performance (once per process); 'unknown' without the webgpu package. */
export function probeAdapter(): Promise<AdapterFacts | null | 'unknown'> {
  probed ??= (async () => {
    try {
      createRequire(import.meta.url).resolve('webgpu');
    } catch {
      return 'unknown'; // the optional webgpu package is not installed
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
    } catch (error) {
      // Installed but not working (no Vulkan, a driver error): providers are then tried without knowing the adapter.
      log.info('The WebGPU adapter could not be asked for its facts', { error });
      return 'unknown';
    }
  })();
  return probed;
}
