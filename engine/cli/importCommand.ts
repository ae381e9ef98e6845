import path from 'node:path';
import { parseArgs } from 'node:util';
import { importToOmeZarr } from '../zarr/importToOmeZarr.js';
import type { Triple } from '../zarr/omeMetadata.js';
import { UsageError } from './CliError.js';
import { progressPrinter } from './progressPrinter.js';

export const importUsage = `membrana import <stack.tif | png-folder> -o <out.ome.zarr> [options]

Converts a TIFF stack or a folder of slice images into an OME-Zarr image with a resolution
pyramid (2× in x and y per level, down to 512 pixels), streaming slice by slice so stacks larger
than memory convert. Prints one JSON line: output, shape, dtype, levels, chunks, seconds.
  -o, --output DIR       the OME-Zarr folder to create (must not exist or be empty)
  --zarr-version 2|3     3: OME-NGFF 0.5 on Zarr v3 (default); 2: OME-NGFF 0.4 on Zarr v2
  --chunks z,y,x         chunk size in voxels (default 16,256,256)
  --levels N             number of resolution levels (default: down to 512 pixels)`;

export async function importCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      'zarr-version': { type: 'string' },
      chunks: { type: 'string' },
      levels: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the TIFF stack or slice folder to import.' : `give one stack or folder, not ${positionals.length}.`);
  if (!values.output) throw new UsageError('give the OME-Zarr folder to create with -o DIR.');
  const version = values['zarr-version'] === undefined ? 3 : Number(values['zarr-version']);
  if (version !== 2 && version !== 3) throw new UsageError(`--zarr-version must be 2 or 3, not "${values['zarr-version']}".`);
  const chunks = values.chunks === undefined ? undefined : parseChunks(values.chunks);
  const levels = values.levels === undefined ? undefined : Number(values.levels);
  if (levels !== undefined && !(Number.isInteger(levels) && levels >= 1 && levels <= 20)) throw new UsageError(`--levels must be a whole number from 1 to 20, not "${values.levels}".`);
  const input = path.resolve(positionals[0]!);
  const output = path.resolve(values.output);
  if (output === input) throw new UsageError(`the output ${output} would overwrite the input.`);

  const controller = new AbortController();
  // Ctrl+C cancels cleanly: the half-written folder is removed before exiting.
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  const started = performance.now();
  const progress = progressPrinter();
  try {
    const summary = await importToOmeZarr(input, output, {
      version,
      ...(chunks ? { chunks } : {}),
      ...(levels !== undefined ? { levels } : {}),
      signal: controller.signal,
      onProgress: progress.update,
    });
    progress.done();
    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    console.log(JSON.stringify({ output, zarrVersion: summary.version, shape: summary.shape, dtype: summary.dtype, levels: summary.levels, chunks: summary.chunks, seconds }));
  } finally {
    process.off('SIGINT', cancel);
  }
}

function parseChunks(text: string): Triple {
  const parts = text.split(',').map(Number);
  if (parts.length !== 3 || !parts.every((n) => Number.isInteger(n) && n >= 1 && n <= 4096)) {
    throw new UsageError(`--chunks must be three whole numbers z,y,x from 1 to 4096 (e.g. 16,256,256), not "${text}".`);
  }
  return parts as Triple;
}
