import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface LimitedRun {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Largest resident memory seen, in bytes. */
  peakRss: number;
  /** Killed for running past the time limit. */
  timedOut: boolean;
  /** Killed for going past the memory cap. */
  overMemory: boolean;
}

export interface Limits {
  seconds: number;
  /** Resident memory cap in bytes: the process is killed when it goes past. */
  rssBytes: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Resident set size of a process from /proc (Linux), or 0 when it has gone. */
function residentBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs a command with a time limit and a memory cap watched from outside (the heap limit alone
 * misses typed arrays and native memory): past either it is killed with SIGKILL and the run says
 * which. Output is kept up to 1 MiB per stream.
 */
export function runLimited(command: string, args: string[], limits: Limits): Promise<LimitedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: limits.cwd, env: limits.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakRss = 0;
    let timedOut = false;
    let overMemory = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < 1 << 20) stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 1 << 20) stderr += chunk.toString();
    });
    const watch = setInterval(() => {
      if (child.pid === undefined) return;
      const rss = residentBytes(child.pid);
      peakRss = Math.max(peakRss, rss);
      if (rss > limits.rssBytes && !overMemory) {
        overMemory = true;
        child.kill('SIGKILL');
      }
    }, 50);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.seconds * 1000);
    child.on('error', (error) => {
      clearInterval(watch);
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000, peakRss, timedOut, overMemory });
    });
  });
}
