import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseShare } from '../blocks/blockGrid.js';
import { isZarrStore } from '../blocks/isZarrStore.js';
import { readVolume } from '../io/readVolume.js';
import { writeTiff } from '../io/writeTiff.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { openPredictor } from '../predict/openPredictor.js';
import { defaultWorkerCount } from '../predict/PredictionPool.js';
import type { Predictor } from '../predict/Predictor.js';
import { predictVolume } from '../predict/predictVolume.js';
import { defaultThreads } from '../predict/startOnnxSession.js';
import { cleanUpOnFailure } from '../blocks/cleanUpOnFailure.js';
import { UsageError } from './CliError.js';
import { progressPrinter } from './progressPrinter.js';
import { writeFileAtomic } from '../base/atomicWrite.js';

export const predictUsage = `membrana predict <in.tif|in.ome.zarr> -o <out.tif|out.ome.zarr> [--blocks i/N] [--model DIR] [--tta] [--tile N] [--threads N]

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
  --threads N        CPU threads for ONNX Runtime (default: ${defaultThreads()}, every core)
  --workers N        TensorFlow.js fallback only: threads that predict side by side, each with
                     its own copy of the model (default: ${defaultWorkerCount()})
The network runs on ONNX Runtime, on the fastest execution provider that starts (CUDA,
DirectML, CoreML, WebGPU on a hardware GPU, else the CPU), or on TensorFlow.js where ONNX
Runtime cannot load. MEMBRANA_EP=cpu|webgpu|cuda|dml|coreml|tfjs chooses one.`;

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
      threads: { type: 'string' },
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
  const threads = values.threads === undefined ? defaultThreads() : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new UsageError(`--threads must be a whole number from 1 to 1024, not "${values.threads}".`);
  }
  let share = { share: 0, shares: 1 };
  const zarr = isZarrStore(input);
  if (values.blocks !== undefined) {
    if (!zarr) throw new UsageError(`--blocks needs an OME-Zarr input; ${input} is not one.`);
    try {
      share = parseShare(values.blocks);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  // Read while the model's session starts: both wait on the disk, and the session on its setup.
  const volume = zarr ? null : readVolume(input);
  volume?.catch(() => undefined);
  const predictor = await openPredictor(values.model ?? shippedModelDir(), { threads, tfjsWorkers: workers, onWarning: (message) => console.error(`Warning: ${message}`) });
  try {
    for (const line of predictor.provider.skipped) console.error(`(skipped ${line})`);
    if (zarr) await predictZarr(input, output, predictor, { tta: values.tta, maxTile, share });
    else await predictStack((await volume)!, output, predictor, { tta: values.tta, maxTile });
  } finally {
    await predictor.dispose();
  }
}

type Stack = Awaited<ReturnType<typeof readVolume>>;

async function predictStack(volume: Stack, output: string, predictor: Predictor, options: { tta: boolean; maxTile: number | undefined }): Promise<void> {
  console.error(`Predicting ${volume.name} (${volume.width} × ${volume.height} × ${volume.depth}) with ${predictor.dir} on ${predictor.provider.description}`);
  const progress = progressPrinter();
  const started = performance.now();
  const probabilities = await predictVolume(volume, predictor, { tta: options.tta, maxTile: options.maxTile, onProgress: progress.update });
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
  console.error(`Wrote ${output} in ${seconds.toFixed(1)} s (${Math.round(pixels / seconds).toLocaleString('en')} px/s) on ${predictor.provider.description}.`);
}

async function predictZarr(input: string, output: string, predictor: Predictor, options: { tta: boolean; maxTile: number | undefined; share: { share: number; shares: number } }): Promise<void> {
  const { share } = options;
  console.error(`Predicting ${input} block by block (share ${share.share}/${share.shares}) with ${predictor.dir} on ${predictor.provider.description}`);
  const progress = progressPrinter();
  // Loaded only for an OME-Zarr input: zarrita and its codecs are no part of a TIFF's start-up.
  const { predictOmeZarr } = await import('../blocks/predictOmeZarr.js');
  const result = await cleanUpOnFailure([output], () => predictOmeZarr({ input, output, ...share, model: predictor, tta: options.tta, maxTile: options.maxTile, onProgress: progress.update }));
  progress.done();
  console.log(JSON.stringify({ blocks_done: result.done.length, blocks_skipped: result.skipped.length, pyramid: result.pyramidBuilt, seconds: Number(result.seconds.toFixed(3)), provider: result.provider.name }));
}
