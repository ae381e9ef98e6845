import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findAppRoot } from '../../base/appRoot.js';

/**
 * Whether the compiled worker that tests of a worker pool run is there and current: worker threads
 * run build/ (vitest cannot start a TypeScript worker); `npm test` builds first. `missing`:
 * skip those tests; `stale`: a source in `folders` (from the app root), or in engine/base, which
 * every worker runs, is newer than the build.
 */
export function workerBuild(worker: string, folders: string[]): { missing: string } | { stale: string } | null {
  const root = findAppRoot();
  const file = path.join(root, 'build', 'engine', worker);
  if (!existsSync(file)) return { missing: file };
  const builtAt = statSync(file).mtimeMs;
  for (const folder of ['engine/base', ...folders]) {
    for (const name of readdirSync(path.join(root, folder))) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      if (statSync(path.join(root, folder, name)).mtimeMs > builtAt) return { stale: path.join(folder, name) };
    }
  }
  return null;
}

/** The folders whose sources a training worker runs. */
export const TRAINING_WORKER_SOURCES = ['engine/train', 'engine/model', 'engine/model/kernels', 'engine/workers'];
