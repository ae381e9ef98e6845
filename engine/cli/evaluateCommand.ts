import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateFiles } from '../metrics/evaluateFiles.js';
import { UsageError } from './CliError.js';

export const evaluateUsage = `membrana evaluate <pred.tif> <labels.tif> [--pooled]

Scores a membrane prediction (255 or 1.0 = membrane) against ISBI-style labels (0 = membrane,
255 = cell) as the ISBI 2012 leaderboard does: per slice, 4-connected segments, borders thinned
to one-pixel lines, foreground-restricted Rand and information scores at thresholds 0.0–1.0,
averaged over slices, best threshold reported. Prints JSON with pixel_error, v_rand and v_info.
  --pooled   add the slices' Rand pair counts instead of averaging per-slice V_rand`;

export async function evaluateCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { pooled: { type: 'boolean', default: false } } });
  if (positionals.length !== 2) throw new UsageError(`give the prediction and the labels, not ${positionals.length} file${positionals.length === 1 ? '' : 's'}.`);
  const [prediction, labels] = positionals.map((p) => path.resolve(p)) as [string, string];
  const result = await evaluateFiles(prediction, labels, { randAggregation: values.pooled ? 'pooled' : 'mean' });
  for (const warning of result.warnings) console.error(`warning: ${warning}`);
  const { warnings: _warnings, ...scores } = result;
  console.log(JSON.stringify(scores));
}
