import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | null = null;

/**
 * The folder holding Membrana's package.json and assets/. Found by walking up from this module,
 * which works from the sources (tests), from build/ and from a packaged app alike.
 */
export function findAppRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(path.join(dir, 'assets'))) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'membrana') return (cachedRoot = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find Membrana's install folder (package.json and assets/) above ${fileURLToPath(import.meta.url)}.`);
    dir = parent;
  }
}

export function readAppVersion(): string {
  const { version } = JSON.parse(readFileSync(path.join(findAppRoot(), 'package.json'), 'utf8')) as { version: string };
  return version;
}
