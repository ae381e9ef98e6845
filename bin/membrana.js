#!/usr/bin/env node
// Entry point of the `membrana` command (built by `npm run build` into build/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../build/engine/cli/membrana.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('membrana: the engine is not built yet; run `npm run build` in the Membrana folder.');
  process.exit(1);
}
await import(cli.href);
