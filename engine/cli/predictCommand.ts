import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseShare } from '../blocks/blockGrid.js';
import { isZarrStore, predictOmeZarr } from '../blocks/predictOmeZarr.js';
import { readVolume } from '../io/readVolume.js';
import { writeTiff } from '../io/writeTiff.js';
import { loadModelFolder, shippedModelDir } from '../model/modelFolder.js';
import { selectBackend } from '../model/selectBackend.js';
import { defaultWorkerCount, PredictionPool } from '../predict/PredictionPool.js';
import { predictVolume } from '../predict/predictVolume.js';
import { UsageError } from './CliError.js';
import { progressPrinter } from './progressPrinter.js';
import { writeFileAtomic } from './writeFileAtomic.js';

export const predictUsage = `membrana predict <in.tif|in.ome.zarr> -o <out.tif|out.ome.zarr> [--blocks i/N] [--model DIR] [--tta] [--tile N] [--workers N]

Predicts membranes in every slice of a TIFF stack, an image or a folder of PNG slices, and
writes a uint8 multi-page TIFF of the same shape (255 = membrane). From an OME-Zarr it writes
an OME-Zarr (NGFF 0.4, level 0, chunked like the input) block by block: a killed run resumes
where it stopped, and N jobs given --blocks 0/N … (N-1)/N share the work; each prints
{"blocks_done", "blocks_skipped", "seconds"} as one JSON line when its share is done.
  -o, --output FILE  where to write the prediction (required)
  --blocks i/N       OME-Zarr only: predict share i of N (from 0) of the blocks
  --model DIR        model folder (default: the model Membrana ships)
  --tta              average the 8 flips/rotations (slower, slightly better)
  --tile N           largest tile edge in pixels (default: the model's)
  --workers N        threads that predict side by side, each with its own copy of the model
                     (default: ${defaultWorkerCount()}, one per core up to 2; 1 predicts on the main thread)`;

export async function predictCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      model: { type: 'string' },
      tta: { type: 'boolean', default: false },
      tile: { type: 'string' },
      workers: { type: 'string' },
      blocks: { type: 'string' },
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
  const workers = values.workers === undefined ? defaultWorkerCount() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new UsageError(`--workers must be a whole number from 1 to 64, not "${values.workers}".`);
  }

  if (isZarrStore(input)) {
    await predictZarr(input, output, values.model ?? shippedModelDir(), { tta: values.tta, maxTile, workers, blocks: values.blocks });
    return;
  }
  if (values.blocks !== undefined) throw new UsageError(`--blocks needs an OME-Zarr input; ${input} is not one.`);
  const volume = await readVolume(input);
  const modelDir = values.model ?? shippedModelDir();
  // One worker thread per core, each with its own backend and model; --workers 1 stays on this thread.
  const pool = workers > 1 ? await PredictionPool.start({ dir: modelDir }, workers) : null;
  let probabilities: Uint8Array;
  let seconds: number;
  try {
    const backend = pool?.backend ?? (await selectBackend());
    for (const line of backend.skipped) console.error(`(backend ${line})`);
    const model = pool ?? (await loadModelFolder(modelDir));
    const threads = pool ? `${pool.size} worker threads` : '1 thread';
    console.error(`Predicting ${volume.name} (${volume.width} × ${volume.height} × ${volume.depth}) with ${model.dir} on ${backend.description}, ${threads}`);
    const progress = progressPrinter();
    const started = performance.now();
    probabilities = await predictVolume(volume, model, { tta: values.tta, maxTile, onProgress: progress.update });
    progress.done();
    seconds = (performance.now() - started) / 1000;
  } finally {
    await pool?.dispose();
  }
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

async function predictZarr(input: string, output: string, modelDir: string, options: { tta: boolean; maxTile: number | undefined; workers: number; blocks: string | undefined }): Promise<void> {
  let share = { share: 0, shares: 1 };
  if (options.blocks !== undefined) {
    try {
      share = parseShare(options.blocks);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const backend = await selectBackend();
  for (const line of backend.skipped) console.error(`(backend ${line})`);
  console.error(`Predicting ${input} block by block (share ${share.share}/${share.shares}) with ${modelDir}, ${options.workers > 1 ? `${options.workers} worker threads` : '1 thread'}`);
  const progress = progressPrinter();
  const result = await predictOmeZarr({ input, output, ...share, model: modelDir, workers: options.workers, tta: options.tta, maxTile: options.maxTile, onProgress: progress.update });
  progress.done();
  console.log(JSON.stringify({ blocks_done: result.done.length, blocks_skipped: result.skipped.length, pyramid: result.pyramidBuilt, seconds: Number(result.seconds.toFixed(3)) }));
}
