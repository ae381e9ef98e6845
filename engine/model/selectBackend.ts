import { createRequire } from 'node:module';
import { tf } from './tfjs.js';

/**
 * The backends Membrana can run on, fastest first: TensorFlow native with CUDA, WebGPU on any GPU
 * (Dawn; a software adapter is skipped unless forced), TensorFlow native on the CPU, wasm, and
 * plain JavaScript.
 */
export const BACKENDS = ['node-gpu', 'webgpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export interface ActiveBackend {
  /** Which of BACKENDS is in use. */
  choice: BackendChoice;
  /** The TensorFlow.js backend name ('tensorflow', 'webgpu', 'wasm', 'cpu'). */
  tfName: string;
  /** Human description for the UI and logs, e.g. 'WebAssembly (SIMD, 1 thread)'. */
  description: string;
  /** Why faster backends were passed over: one line each. */
  skipped: string[];
}

let active: Promise<ActiveBackend> | null = null;

/**
 * Chooses and initialises the compute backend once per process: the preferred one from
 * MEMBRANA_BACKEND (or the argument), else the fastest that loads. The native TensorFlow
 * backends and WebGPU are optional dependencies; when one is missing or fails to load, the reason
 * is recorded once and the next one is tried. A forced backend is used even where automatic
 * choice would pass it over (WebGPU on a software adapter).
 */
export function selectBackend(preference: string | undefined = process.env.MEMBRANA_BACKEND): Promise<ActiveBackend> {
  active ??= initialise(preference);
  return active;
}

async function initialise(preference: string | undefined): Promise<ActiveBackend> {
  const wanted = preference?.trim().toLowerCase();
  if (wanted && !(BACKENDS as readonly string[]).includes(wanted)) {
    throw new Error(`MEMBRANA_BACKEND="${preference}" is not a backend Membrana knows; use one of ${BACKENDS.join(', ')}.`);
  }
  const order = wanted ? [wanted as BackendChoice] : [...BACKENDS];
  const skipped: string[] = [];
  for (const choice of order) {
    try {
      const result = await tryBackend(choice, Boolean(wanted));
      if (result) return { ...result, skipped };
    } catch (error) {
      skipped.push(`${choice}: ${firstLine(error)}`);
    }
  }
  throw new Error(`No compute backend could start (${skipped.join('; ')}).`);
}

/**
 * Releases what the chosen backend holds outside the JavaScript heap (WebGPU's device), for a
 * worker about to exit; the thread must not compute afterwards. A no-op for other backends.
 */
export async function releaseBackend(): Promise<void> {
  const chosen = await active?.catch(() => null); // a backend that never started holds nothing
  if (chosen?.choice !== 'webgpu') return;
  const { stopWebGpu } = await import('./webgpuBackend.js');
  stopWebGpu();
}

async function tryBackend(choice: BackendChoice, forced: boolean): Promise<Omit<ActiveBackend, 'skipped'> | null> {
  switch (choice) {
    case 'node-gpu':
    case 'node': {
      const name = choice === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      // Resolve first, so "not installed" reads differently from "installed but broken".
      try {
        createRequire(import.meta.url).resolve(name);
      } catch {
        throw new Error(`${name} is not installed (optional; it needs libtensorflow${choice === 'node-gpu' ? ' and CUDA' : ''})`);
      }
      await import(name);
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${name} loaded but its backend did not initialise`);
      return { choice, tfName: 'tensorflow', description: choice === 'node-gpu' ? 'TensorFlow native (CUDA GPU)' : 'TensorFlow native (CPU)' };
    }
    case 'webgpu': {
      const { startWebGpu } = await import('./webgpuBackend.js');
      const { description } = await startWebGpu({ allowSoftware: forced });
      return { choice, tfName: 'webgpu', description };
    }
    case 'wasm': {
      await import('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend('wasm'))) throw new Error('the WebAssembly backend did not initialise');
      const { registerWasmTrainingKernels } = await import('./kernels/registerWasmTrainingKernels.js');
      registerWasmTrainingKernels();
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      return { choice, tfName: 'wasm', description: `WebAssembly (${simd ? 'SIMD' : 'no SIMD'})` };
    }
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('the plain JavaScript backend did not initialise');
      return { choice, tfName: 'cpu', description: 'JavaScript CPU (slow)' };
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
