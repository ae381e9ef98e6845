import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readVolume } from '../io/readVolume.js';
import { writeTiff } from '../io/writeTiff.js';
import { loadModelFolder, shippedModelDir } from '../model/modelFolder.js';
import { selectBackend } from '../model/selectBackend.js';
import { predictVolume } from '../predict/predictVolume.js';
import { UsageError } from './CliError.js';
import { progressPrinter } from './progressPrinter.js';
import { writeFileAtomic } from './writeFileAtomic.js';

export const predictUsage = `membrana predict <in.tif> -o <out.tif> [--model DIR] [--tta] [--tile N]

Predicts membranes in every slice of a TIFF stack, an image or a folder of PNG slices, and
writes a uint8 multi-page TIFF of the same shape (255 = membrane).
  -o, --output FILE  where to write the prediction (required)
  --model DIR        model folder (default: the model Membrana ships)
  --tta              average the 8 flips/rotations (slower, slightly better)
  --tile N           largest tile edge in pixels (default: the model's)`;

export async function predictCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      model: { type: 'string' },
      tta: { type: 'boolean', default: false },
      tile: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the image stack to predict.' : `give one input, not ${positionals.length}.`);
  if (!values.output) throw new UsageError('give the output file with -o out.tif.');
  const input = path.resolve(positionals[0]!);
  const output = path.resolve(values.output);
  if (output === input) throw new UsageError(`the output ${output} would overwrite the input.`);
  if (!existsSync(path.dirname(output)) || !statSync(path.dirname(output)).isDirectory()) {
    throw new UsageError(`the output folder ${path.dirname(output)} does not exist.`);
  }
  const maxTile = values.tile === undefined ? undefined : Number(values.tile);
  if (maxTile !== undefined && (!Number.isInteger(maxTile) || maxTile < 96 || maxTile > 4096)) {
    throw new UsageError(`--tile must be a whole number of pixels from 96 to 4096, not "${values.tile}".`);
  }

  const backend = await selectBackend();
  for (const line of backend.skipped) console.error(`(backend ${line})`);
  const volume = await readVolume(input);
  const loaded = await loadModelFolder(values.model ?? shippedModelDir());
  console.error(`Predicting ${volume.name} (${volume.width} × ${volume.height} × ${volume.depth}) with ${loaded.dir} on ${backend.description}`);
  const progress = progressPrinter();
  const started = performance.now();
  const probabilities = await predictVolume(volume, loaded, { tta: values.tta, maxTile, onProgress: progress.update });
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  await writeFileAtomic(
    output,
    writeTiff(
      { width: volume.width, height: volume.height, depth: volume.depth, dtype: 'uint8', data: probabilities, voxelSize: volume.voxelSize, description: `Membrana membrane probability (255 = membrane) of ${volume.name}` },
      { compression: 'deflate', predictor: true },
    ),
  );
  const pixels = volume.width * volume.height * volume.depth;
  console.error(`Wrote ${output} in ${seconds.toFixed(1)} s (${Math.round(pixels / seconds).toLocaleString('en')} px/s).`);
}
