import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readVolume } from '../io/readVolume.js';
import { selectBackend } from '../model/selectBackend.js';
import { trainModel } from '../train/trainModel.js';
import { UsageError } from './CliError.js';
import { progressPrinter } from './progressPrinter.js';

export const trainUsage = `membrana train --images X.tif --labels Y.tif --out DIR [--init MODEL] [--minutes N | --steps N] [--val-slices a-b] [--resume] [--workers N]

Trains the membrane network on an image stack and its labels (ISBI convention: 0 = membrane,
255 = cell, any other value = unlabelled), validating on whole held-out slices each epoch. DIR
gets the best model (by validation V_rand), training-log.jsonl, and checkpoint/ for --resume.
Prints one JSON line at the end.
  --images FILE      image stack (TIFF, PNG folder)
  --labels FILE      label stack of the same shape, 8-bit
  --mask FILE        optional: nonzero = labelled pixel
  --out DIR          output model folder
  --init MODEL       start from this model folder (fine-tuning)
  --minutes N        stop after N minutes of wall time (all sittings together)
  --steps N          stop after N steps
  --val-slices a-b   validation slices, from 0, inclusive (default: the last ~18%)
  --resume           continue the run checkpointed in DIR
  --seed N           random seed (default 1)
  --batch N          patches per step (default 2)
  --patch N          patch edge in pixels (default 256)
  --lr X             Adam learning rate (default 0.001)
  --lr-decay KIND    none (default) or cosine: from --lr down to --lr/100 over the budget
  --epoch-steps N    steps between validations (default 100)
  --workers N        worker threads, one core each (default: 2 where there are 2 cores, else 1);
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
      resume: { type: 'boolean', default: false },
      seed: { type: 'string' },
      batch: { type: 'string' },
      patch: { type: 'string' },
      lr: { type: 'string' },
      'lr-decay': { type: 'string' },
      'epoch-steps': { type: 'string' },
      workers: { type: 'string' },
    },
  });
  if (!values.images || !values.labels || !values.out) throw new UsageError('--images, --labels and --out are required.');
  const minutes = positiveNumber('minutes', values.minutes, false);
  const steps = positiveNumber('steps', values.steps);
  if (minutes === undefined && steps === undefined) throw new UsageError('give a budget: --minutes N or --steps N.');

  const workers = positiveNumber('workers', values.workers) ?? Math.min(2, os.availableParallelism(), positiveNumber('batch', values.batch) ?? 2);

  const backend = await selectBackend();
  for (const line of backend.skipped) console.error(`(backend ${line})`);
  const [images, labels, mask] = await Promise.all([
    readVolume(path.resolve(values.images)),
    readVolume(path.resolve(values.labels)),
    values.mask ? readVolume(path.resolve(values.mask)) : Promise.resolve(null),
  ]);
  const validation = parseSlices(values['val-slices'], images.depth);
  const trainRanges = [validation[0] > 0 ? `0-${validation[0] - 1}` : '', validation[1] < images.depth - 1 ? `${validation[1] + 1}-${images.depth - 1}` : ''].filter(Boolean);
  console.error(`Training on ${images.name} (${images.width} × ${images.height}, slices ${trainRanges.join(' and ')}), validating on slices ${validation[0]}-${validation[1]}, backend ${backend.description}${workers > 1 ? ` on ${workers} worker threads` : ''}`);
  const progress = progressPrinter();
  const controller = new AbortController();
  // Ctrl+C ends the run cleanly with a checkpoint, so --resume can continue it.
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const result = await trainModel({
    images,
    labels,
    mask,
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
  const { best, ...rest } = result;
  console.log(JSON.stringify({ ...rest, best_step: best?.step ?? null, pixel_error: best?.pixel_error ?? null, v_rand: best?.v_rand ?? null, v_info: best?.v_info ?? null }));
}

function parseDecay(text: string | undefined): 'none' | 'cosine' | undefined {
  if (text === undefined || text === 'none' || text === 'cosine') return text;
  throw new UsageError(`--lr-decay must be none or cosine, not "${text}".`);
}

function parseSlices(text: string | undefined, depth: number): [number, number] {
  if (text === undefined) {
    const count = Math.max(1, Math.round(depth * 0.18));
    return [depth - count, depth - 1];
  }
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) throw new UsageError(`--val-slices must look like 18-21, not "${text}".`);
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  if (last < first || last >= depth) throw new UsageError(`--val-slices ${text} is not inside the stack's slices 0-${depth - 1}.`);
  if (last - first + 1 >= depth) throw new UsageError(`--val-slices ${text} leaves no slice to train on.`);
  return [first, last];
}
