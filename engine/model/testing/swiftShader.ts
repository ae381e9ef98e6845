// WebGPU without a GPU, for tests: Chromium's SwiftShader Vulkan driver (CI installs chromium
// and libvulkan1). The Vulkan loader reads VK_ICD_FILENAMES from the real process environment,
// which a test can only set for a child process, so the checks run in webgpuTrainingCheck.mjs.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findAppRoot } from '../../base/appRoot.js';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHECK = fileURLToPath(new URL('./webgpuTrainingCheck.mjs', import.meta.url));

/** Why WebGPU on SwiftShader cannot run here (to skip with), or null when it can. */
export function swiftShaderMissing(): string | null {
  if (!existsSync(ICD)) return `SwiftShader's Vulkan driver ${ICD} is absent (install Debian's chromium)`;
  let libraries = '';
  try {
    libraries = execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' });
  } catch {
    // No ldconfig: look where Debian and Ubuntu put the loader.
  }
  const found = libraries.includes('libvulkan.so.1') || ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].some(existsSync);
  return found ? null : "the Vulkan loader libvulkan.so.1 is absent (install Debian's libvulkan1)";
}

/**
 * Runs webgpuTrainingCheck.mjs (on the compiled build/) in a child whose environment points the
 * Vulkan loader at SwiftShader; 'auto' leaves MEMBRANA_BACKEND unset, the others force webgpu.
 */
export async function runWebgpuCheck(mode: 'auto' | 'forced' | 'kernels', argument?: string): Promise<Record<string, unknown>> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: '/tmp', VK_ICD_FILENAMES: ICD };
  if (mode === 'auto') delete env.MEMBRANA_BACKEND;
  else env.MEMBRANA_BACKEND = 'webgpu';
  const args = [CHECK, findAppRoot(), mode, ...(argument === undefined ? [] : [argument])];
  const { stdout } = await promisify(execFile)(process.execPath, args, { env, timeout: 170_000, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}
