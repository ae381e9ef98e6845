import os from 'node:os';
import type * as OnnxRuntime from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { PROVIDER_LABELS, providerOrder, type ProviderInfo, type ProviderName } from './executionProviders.js';
import { webGpuSkipReason } from './webGpuAdapter.js';

export type Ort = typeof OnnxRuntime;

export interface OnnxSessionOptions {
  /** CPU threads for one forward pass (ORT's intra-op threads); default all cores. */
  threads?: number;
  /** The provider to use, instead of MEMBRANA_EP or the fastest that starts. */
  provider?: string;
}

export interface StartedSession {
  ort: Ort;
  session: InferenceSession;
  provider: ProviderInfo;
  threads: number;
}

/** Providers that failed to start in this process, and why: each is tried, and reported, once. */
const failed = new Map<ProviderName, string>();
let runtime: Promise<Ort> | null = null;

/** onnxruntime-node, loaded on first use (the CLI and the app start without it until they predict). */
export function loadOrt(): Promise<Ort> {
  runtime ??= import('onnxruntime-node').then((module) => ((module as unknown as { default?: Ort }).default ?? module) as Ort);
  return runtime;
}

/** All cores: one forward pass uses them all through ORT's own thread pool. */
export function defaultThreads(): number {
  return os.availableParallelism();
}

/**
 * An ONNX Runtime session for `model` (a model.onnx path or its bytes) on the fastest provider
 * that starts: the one `options.provider` or MEMBRANA_EP names, else CUDA → DirectML / CoreML →
 * WebGPU (a real GPU only; see webGpuAdapter) → CPU. A provider that fails is remembered with its
 * reason and not tried again in this process. Rejects when none starts (a forced provider that
 * fails, or onnxruntime-node that cannot load); the caller may then fall back to TensorFlow.js.
 * A request for 'tfjs' rejects with code USE_TFJS; a model the CPU provider cannot load, with
 * ONNX_MODEL_INVALID (remake it from the weights).
 */
export async function startOnnxSession(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<StartedSession> {
  const { order, forced } = providerOrder(options.provider ?? process.env.MEMBRANA_EP);
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`ONNX Runtime needs a whole number of threads (1 or more), not ${threads}.`);
  const skipped: string[] = [];
  const candidates = order.filter((name) => name !== 'tfjs');
  if (candidates.length === 0) throw Object.assign(new Error('TensorFlow.js was asked for (MEMBRANA_EP=tfjs).'), { code: 'USE_TFJS' });
  let ort: Ort;
  try {
    ort = await loadOrt();
  } catch (error) {
    throw Object.assign(new Error(`onnxruntime-node could not load (${firstLine(error)}).`), { code: 'ORT_UNAVAILABLE', cause: error });
  }
  // A non-CPU provider's failure is remembered only once the CPU has loaded the same model: a
  // model ORT cannot read fails everywhere, and that says nothing about the providers.
  const pending: [ProviderName, string][] = [];
  for (const name of candidates) {
    const known = failed.get(name);
    if (known !== undefined && !forced) {
      skipped.push(`${PROVIDER_LABELS[name]}: ${known}`);
      continue;
    }
    try {
      if (name === 'webgpu' && !forced) {
        const reason = await webGpuSkipReason();
        if (reason) {
          failed.set(name, reason);
          skipped.push(`${PROVIDER_LABELS[name]}: ${reason}`);
          continue;
        }
      }
      const session = await ort.InferenceSession.create(model as string, sessionOptions(name, threads));
      for (const [other, reason] of pending) failed.set(other, reason);
      return { ort, session, threads, provider: { name, description: describe(name, threads), skipped } };
    } catch (error) {
      const reason = firstLine(error);
      if (name === 'cpu') {
        throw Object.assign(new Error(`ONNX Runtime could not load ${typeof model === 'string' ? model : 'the model'}: ${reason}`), { code: 'ONNX_MODEL_INVALID', cause: error });
      }
      if (forced) throw Object.assign(new Error(`${PROVIDER_LABELS[name]} (MEMBRANA_EP=${name}) could not start: ${reason}`), { code: 'PROVIDER_FAILED', cause: error });
      pending.push([name, reason]);
      skipped.push(`${PROVIDER_LABELS[name]}: ${reason}`);
    }
  }
  throw Object.assign(new Error(`No ONNX Runtime execution provider could start (${skipped.join('; ')}).`), { code: 'ORT_UNAVAILABLE' });
}

function sessionOptions(name: ProviderName, threads: number): InferenceSession.SessionOptions {
  return {
    executionProviders: [name],
    // One pass at a time, spread over all cores: intra-op threads, no inter-op pool.
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // The arena reuses freed blocks across passes; the memory-pattern plan on top of it adds a
    // second set of buffers per tile shape (≈ 50 MB more peak RSS at 576², no faster here).
    enableMemPattern: false,
    // Warnings only: ORT's info lines about nodes placed on the CPU would reach every user.
    logSeverityLevel: 3,
  };
}

function describe(name: ProviderName, threads: number): string {
  return name === 'cpu' ? `ONNX Runtime CPU (${threads} thread${threads === 1 ? '' : 's'})` : `ONNX Runtime ${PROVIDER_LABELS[name]}`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = (message.split('\n').find((l) => l.trim()) ?? message).trim();
  // ORT's failed checks read "/onnxruntime_src/…cc:129 …<lambda()> <condition> was false. <why>": keep the why.
  const check = / was false\. (.+)$/.exec(line);
  return line.startsWith('/') && check ? check[1]! : line;
}

/** Providers that would not start in this thread, and why (a worker hands them to its parent). */
export function failedProviders(): [ProviderName, string][] {
  return [...failed];
}

/** Records providers another thread found would not start, so this one skips them too. */
export function recordFailedProviders(entries: readonly [ProviderName, string][]): void {
  for (const [name, reason] of entries) if (!failed.has(name)) failed.set(name, reason);
}

/** For tests: forget which providers failed, so each test starts as a fresh process would. */
export function forgetFailedProviders(): void {
  failed.clear();
}
