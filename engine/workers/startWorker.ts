import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { findAppRoot } from '../base/appRoot.js';

/**
 * The compiled entry of an engine worker, given relative to engine/ ('predict/predictionWorker.js'):
 * in the same tree as this module when running from build/ (or a packaged app); from the sources
 * (vitest), the built copy in <app>/build/engine/. Throws, saying to build, if neither exists.
 */
export function workerFile(relative: string): string {
  const beside = fileURLToPath(new URL(`../${relative}`, import.meta.url));
  if (existsSync(beside)) return beside;
  const built = path.join(findAppRoot(), 'build', 'engine', relative);
  if (existsSync(built)) return built;
  throw new Error(`The worker ${relative} is not built (neither ${beside} nor ${built} exists). Run \`npm run build:node\` in ${findAppRoot()}.`);
}

/** Starts an engine worker thread from its compiled file (see workerFile). */
export function startWorker(relative: string, workerData: unknown, name: string, file = workerFile(relative)): Worker {
  // Workers inherit node's options, except --input-type (from `node --input-type=module -e`), which stops a worker file loading.
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));
  return new Worker(file, { workerData, execArgv, name });
}
