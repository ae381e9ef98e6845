import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readVolume } from '../io/readVolume.js';
import type { Volume } from '../io/Volume.js';
import { selectBackend } from '../model/selectBackend.js';
import { reviewedContextOfRadius, type ReviewedContextOptions } from '../train/reviewedContext.js';
import { describeScores, trainModel } from '../train/trainModel.js';
import type { TrainableLayers } from '../train/trainableLayers.js';
import { UsageError } from './CliError.js';
import { progressPrinter } from './progressPrinter.js';

export const trainUsage = `membrana train --images X.tif --labels Y.tif --out DIR [--init MODEL] [--minutes N | --steps N] [--val-slices a-b] [--resume] [--workers N]

Trains the membrane network on an image stack and its labels (ISBI convention: 0 = membrane,
255 = cell, any other value = unlabelled, so sparse labels such as the app's corrections work),
with the same training loop as the app's fine-tune. Every epoch the model is judged on held-out
labels: the --val-slices, or else about 20% of the labelled pixels set aside automatically as
whole 64² tiles. DIR gets the best step (highest V_rand on fully labelled held-out slices,
else lowest held-out error), training-log.jsonl, and checkpoint/ for --resume. With --init the starting model is judged first, and DIR gets the
trained model only when it beats the start by more than the noise (2 standard errors over
held-out tiles); otherwise the starting model, with the trained one in DIR/not-better.
Prints the verdict, then one JSON line.
  --images FILE      image stack (TIFF, PNG folder)
  --labels FILE      label stack of the same shape, 8-bit
  --mask FILE        optional: nonzero = labelled pixel
  --out DIR          output model folder
  --init MODEL       start from this model folder (fine-tuning defaults: 10 warm-up steps,
                     judged every 20 steps)
  --minutes N        stop after N minutes of wall time (all sittings together)
  --steps N          stop after N steps
  --val-slices a-b   validation slices, from 0, inclusive (default: pixels set aside automatically)
  --slices a-b       use only these slices' labels (training and validation); the rest are ignored
  --resume           continue the run checkpointed in DIR
  --seed N           random seed (default 1)
  --batch N          patches per step (default 2, or --workers when more)
  --patch N          patch edge in pixels (default 256)
  --lr X             Adam learning rate (default 0.001)
  --lr-decay KIND    cosine (default: from --lr down to --lr/100 over the budget) or none
  --warmup N         steps of linear learning-rate warm-up (default 0 from scratch, 10 with --init)
  --epoch-steps N    steps between judgements (default 100 from scratch, 20 with --init)
  --replay-share X   with --init: share of patches from the model's replay set (default 0: none)
  --context N        with --init and sparse labels: pixels within N px of a label where the
                     starting model is confident (p <= 0.25 or >= 0.75) count as confirmed, as
                     in the app (default 32; 0: only the labelled pixels)
  --trainable L      the layers training changes: all, or layer-name prefixes joined by commas
                     (down0_ is the first block, which sees the image); the rest keep their weights
  --workers N        worker threads, one core each (default: 2 where there are 2 cores, else 1;
                     1 on a GPU backend);
                     with N > 1 each step's patches are split between them and their gradients
                     averaged, so --batch must be at least N; --resume may change N`;

function positiveNumber(name: string, value: string | undefined, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number, not "${value}".`);
  return n;
}

export async function trainCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      images: { type: 'string' },
      labels: { type: 'string' },
      mask: { type: 'string' },
      out: { type: 'string' },
      init: { type: 'string' },
      minutes: { type: 'string' },
      steps: { type: 'string' },
      'val-slices': { type: 'string' },
      slices: { type: 'string' },
      resume: { type: 'boolean', default: false },
      seed: { type: 'string' },
      batch: { type: 'string' },
      patch: { type: 'string' },
      lr: { type: 'string' },
      'lr-decay': { type: 'string' },
      'epoch-steps': { type: 'string' },
      warmup: { type: 'string' },
      'replay-share': { type: 'string' },
      context: { type: 'string' },
      trainable: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  if (!values.images || !values.labels || !values.out) throw new UsageError('--images, --labels and --out are required.');
  const minutes = positiveNumber('minutes', values.minutes, false);
  const steps = positiveNumber('steps', values.steps);
  if (minutes === undefined && steps === undefined) throw new UsageError('give a budget: --minutes N or --steps N.');

  const backend = await selectBackend();
  // A GPU backend in each worker would open one device per worker on the same GPU: one is enough.
  const onGpu = backend.choice === 'webgpu' || backend.choice === 'node-gpu';
  const workers = positiveNumber('workers', values.workers) ?? (onGpu ? 1 : Math.min(2, os.availableParallelism(), positiveNumber('batch', values.batch) ?? 2));

  for (const line of backend.skipped) console.error(`(backend ${line})`);
  const [images, labels, mask] = await Promise.all([
    readVolume(path.resolve(values.images)),
    readVolume(path.resolve(values.labels)),
    values.mask ? readVolume(path.resolve(values.mask)) : Promise.resolve(null),
  ]);
  const validation = parseSlices(values['val-slices'], images.depth);
  const used = values.slices === undefined ? null : parseRange('slices', values.slices, images.depth);
  if (used && validation && (validation[0] < used[0] || validation[1] > used[1])) throw new UsageError(`--val-slices ${values['val-slices']} must lie inside --slices ${values.slices}.`);
  const labelMask = used ? restrictToSlices(mask, images, used) : mask;
  console.error(`${values.init ? `Fine-tuning ${values.init}` : 'Training'} on ${images.name} (${images.width} × ${images.height} × ${images.depth}), backend ${backend.description}${workers > 1 ? ` on ${workers} worker threads` : ''}`);
  const progress = progressPrinter();
  const controller = new AbortController();
  // Ctrl+C ends the run cleanly with a checkpoint, so --resume can continue it.
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const result = await trainModel({
    images,
    labels,
    mask: labelMask,
    outDir: path.resolve(values.out),
    init: values.init ? path.resolve(values.init) : null,
    minutes,
    steps,
    validation,
    resume: values.resume,
    seed: positiveNumber('seed', values.seed),
    batch: positiveNumber('batch', values.batch),
    patch: positiveNumber('patch', values.patch),
    learningRate: positiveNumber('lr', values.lr, false),
    lrDecay: parseDecay(values['lr-decay']),
    epochSteps: positiveNumber('epoch-steps', values['epoch-steps']),
    warmupSteps: wholeOrZero('warmup', values.warmup),
    replayShare: share('replay-share', values['replay-share']),
    ...contextOption(values.context),
    ...(values.trainable !== undefined ? { trainable: trainableOption(values.trainable) } : {}),
    workers,
    backend: backend.description,
    signal: controller.signal,
    onProgress: progress.update,
    log: (line) => {
      progress.done();
      console.error(line);
    },
  });
  progress.done();
  if (result.start) console.error(`Starting model: ${describeScores(result.start)}`);
  if (result.best) console.error(`Best step ${result.best.step}: ${describeScores(result.best)}`);
  if (result.verdict) console.error(`${result.written === 'trained' ? 'Wrote the trained model' : 'Wrote the starting model'} to ${result.model_dir}: ${result.verdict.reason}`);
  const { best, start, ...rest } = result;
  console.log(JSON.stringify({ ...rest, best_step: best?.step ?? null, error: best?.error ?? null, pixel_error: best?.pixel_error ?? null, v_rand: best?.v_rand ?? null, v_info: best?.v_info ?? null, start }));
}

function wholeOrZero(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, 0 or more, not "${value}".`);
  return n;
}

function share(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new UsageError(`--${name} must be a number from 0 to below 1, not "${value}".`);
  return n;
}

function parseDecay(text: string | undefined): 'none' | 'cosine' | undefined {
  if (text === undefined || text === 'none' || text === 'cosine') return text;
  throw new UsageError(`--lr-decay must be none or cosine, not "${text}".`);
}

function parseSlices(text: string | undefined, depth: number): [number, number] | null {
  if (text === undefined) return null;
  const range = parseRange('val-slices', text, depth);
  if (range[1] - range[0] + 1 >= depth) throw new UsageError(`--val-slices ${text} leaves no slice to train on.`);
  return range;
}

function parseRange(name: string, text: string, depth: number): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) throw new UsageError(`--${name} must look like 18-21, not "${text}".`);
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  if (last < first || last >= depth) throw new UsageError(`--${name} ${text} is not inside the stack's slices 0-${depth - 1}.`);
  return [first, last];
}

/** The mask (or all pixels) with every slice outside [first, last] unlabelled. */
function restrictToSlices(mask: Volume | null, images: Volume, [first, last]: [number, number]): Volume {
  const plane = images.width * images.height;
  const data = mask ? Uint8Array.from(mask.data as Uint8Array) : new Uint8Array(plane * images.depth).fill(1);
  data.fill(0, 0, first * plane);
  data.fill(0, (last + 1) * plane);
  return { ...(mask ?? images), dtype: 'uint8', data, source: `${mask?.source ?? 'all pixels'}, slices ${first}-${last}` };
}

/** --trainable all|P1,P2: the layers training changes, by layer-name prefix. */
function trainableOption(value: string): TrainableLayers {
  if (value === 'all') return 'all';
  const prefixes = value.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (prefixes.length === 0) throw new UsageError(`--trainable must be all or layer-name prefixes joined by commas (e.g. down0_), not "${value}".`);
  return prefixes;
}

/** --context N: the radius of the reviewed context (0 turns it off); absent: the default. */
function contextOption(value: string | undefined): { reviewedContext?: ReviewedContextOptions | null } {
  const radius = wholeOrZero('context', value);
  if (radius === undefined) return {};
  return { reviewedContext: reviewedContextOfRadius(radius) };
}
