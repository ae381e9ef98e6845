import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { BackendInfo, Diagnostics, EngineInfo } from '../../protocol/contract.js';
import { readAppVersion } from '../base/appRoot.js';
import { logger, logLevel, recentLogLines } from '../base/log.js';
import { currentLogFile } from '../base/logFile.js';

const log = logger('engine');

/** How many log lines a report carries. */
export const DIAGNOSTIC_LOG_LINES = 200;
/** How long a report waits for the prediction provider to start (it usually has, at the app's start). */
export const PROVIDER_WAIT_MS = 20_000;

/** Packages whose versions a report gives when they are installed (the tfjs native backends and webgpu are optional). */
const PACKAGES = ['onnxruntime-node', '@tensorflow/tfjs-core', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu'] as const;

/**
 * What a bug report needs from the engine: versions, platform, where predictions run, the log
 * file and its last lines. `provider` starts (or returns the started) prediction provider, as the
 * `backend` call does; a provider that fails or takes over PROVIDER_WAIT_MS is reported as such,
 * and the rest of the report is still given.
 */
export async function collectDiagnostics(host: EngineInfo['host'], provider: () => Promise<BackendInfo>): Promise<Diagnostics> {
  const file = currentLogFile();
  let logLines: string[];
  try {
    logLines = file ? file.tail(DIAGNOSTIC_LOG_LINES) : recentLogLines(DIAGNOSTIC_LOG_LINES);
  } catch (error) {
    log.warn('Could not read the log file for diagnostics; giving the lines kept in memory', { file: file?.file, error });
    logLines = recentLogLines(DIAGNOSTIC_LOG_LINES);
  }
  const cpus = os.cpus();
  return {
    app: { version: readAppVersion(), host },
    versions: versions(),
    platform: {
      os: os.platform(),
      release: os.release(),
      arch: os.arch(),
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    },
    prediction: await withinTime(provider(), PROVIDER_WAIT_MS).catch((error: unknown) => ({ error: (error as Error).message })),
    training: process.env.MEMBRANA_BACKEND?.trim() ? `MEMBRANA_BACKEND=${process.env.MEMBRANA_BACKEND.trim()}` : 'automatic (the fastest that loads: node-gpu, webgpu, node, wasm, cpu)',
    logLevel: logLevel(),
    logFile: file?.file ?? null,
    logLines,
  };
}

/** The runtime's versions (node, v8, electron in the desktop app) and those of the installed compute packages. */
function versions(): Record<string, string> {
  const found: Record<string, string> = {};
  for (const key of ['node', 'electron', 'chrome', 'v8'] as const) {
    const version = process.versions[key];
    if (version) found[key] = version;
  }
  for (const name of PACKAGES) {
    const version = packageVersion(name);
    if (version) found[name] = version;
  }
  return found;
}

/** An installed package's version, or null when it is not installed (an optional one). */
export function packageVersion(name: string): string | null {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    // Not installed: the optional backends are often absent, and the report says so by leaving them out.
    return null;
  }
  // The entry point is somewhere inside the package; its package.json is the nearest one naming it.
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === name && typeof parsed.version === 'string') return parsed.version;
    } catch (error) {
      log.warn('Could not read a package manifest for diagnostics', { file: manifest, error });
      return null;
    }
  }
  return null;
}

function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it was still starting after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
