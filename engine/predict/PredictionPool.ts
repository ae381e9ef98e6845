import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ErrorInfo } from '../../protocol/contract.js';
import { findAppRoot } from '../appRoot.js';
import { ModelError } from '../model/ModelError.js';
import type { LoadedModel, ModelMeta } from '../model/modelFolder.js';
import type { ActiveBackend } from '../model/selectBackend.js';
import type { FromPredictionWorker, PredictionWorkerData, ToPredictionWorker } from './predictionMessages.js';
import { cancelledError, type PredictSliceOptions } from './predictSlice.js';
import { serializeModel } from './serializeModel.js';
import { SliceTiling } from './SliceTiling.js';

/** One worker per core, at most 2: the machines Membrana targets have 2–4 cores and training may share them. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

/**
 * The compiled worker entry: beside this module when running from build/ (or a packaged app);
 * from the sources (vitest), the built copy in <app>/build/. Throws, saying to build, if neither.
 */
export function predictionWorkerFile(): string {
  const beside = fileURLToPath(new URL('./predictionWorker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = path.join(findAppRoot(), 'build', 'engine', 'predict', 'predictionWorker.js');
  if (existsSync(built)) return built;
  throw new Error(`The prediction worker is not built (neither ${beside} nor ${built} exists). Run \`npm run build:node\` in ${findAppRoot()}.`);
}

/** A slice being predicted: its groups of tiles go to whichever worker is free. */
interface SliceTask {
  tiling: SliceTiling;
  input: Float32Array;
  tta: boolean;
  onTile: PredictSliceOptions['onTile'];
  /** Next group to hand out. */
  next: number;
  /** Results that arrived before an earlier group's: blended in order, for reproducible bytes. */
  waiting: Map<number, Float32Array>;
  blended: number;
  tilesDone: number;
  settled: boolean;
  resolve: (probabilities: Float32Array) => void;
  reject: (error: Error) => void;
  cleanup: () => void;
}

interface Slot {
  index: number;
  worker: Worker;
  /** The job the worker is running; it stays here after a cancel until the worker answers. */
  job: { id: number; task: SliceTask; group: number } | null;
  /** Recorded from the thread's start, so an exit just after 'ready' is not missed. */
  lastError: Error | null;
  exitCode: number | null;
}

function watch(worker: Worker, index: number): Slot {
  const slot: Slot = { index, worker, job: null, lastError: null, exitCode: null };
  worker.on('error', (error) => (slot.lastError = error)).once('exit', (code) => (slot.exitCode = code));
  return slot;
}

function stopReason(slot: Slot): string {
  return slot.lastError?.message ?? `exit code ${slot.exitCode}`;
}

/**
 * N worker threads, each with its own TensorFlow.js backend and copy of the model, that share
 * the tiles of the slices given to predictSlice: one slice's tiles spread over the workers,
 * and several slices in flight keep them all busy. Results are blended here in tile order, so
 * they are the same bytes as predictSlice on one thread. The owner must call dispose(); an idle
 * pool does not keep the process alive.
 */
export class PredictionPool {
  /** The model's metadata (tile size, architecture, normalisation). */
  readonly meta: ModelMeta;
  /** The model's folder (or its label, for a model that was never saved). */
  readonly dir: string;
  /** The backend the workers run on (the first worker's; they all select the same way). */
  readonly backend: ActiveBackend;
  private readonly slots: Slot[];
  /** Tasks with groups not yet handed out, oldest first. */
  private readonly queue: SliceTask[] = [];
  private readonly active = new Set<SliceTask>();
  private nextId = 1;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;

  /**
   * Starts `workers` threads and loads the model in each: from its folder for `{ dir }`, or
   * from the weights of an in-memory model (serialised here, so later in-memory changes to the
   * model do not reach the pool). Rejects, with every thread stopped, if any cannot start.
   */
  static async start(loaded: LoadedModel | { dir: string }, workers = defaultWorkerCount()): Promise<PredictionPool> {
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`A prediction pool needs a whole number of workers (1 or more), not ${workers}.`);
    const file = predictionWorkerFile();
    const data: PredictionWorkerData = 'model' in loaded ? { dir: loaded.dir, meta: loaded.meta, artifacts: await serializeModel(loaded.model) } : { dir: path.resolve(loaded.dir) };
    // Workers inherit node's options, except --input-type (from `node --input-type=module -e`), which stops a worker file loading.
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));
    const slots = Array.from({ length: workers }, (_, index) => watch(new Worker(file, { workerData: data, execArgv, name: 'membrana-prediction' }), index));
    try {
      const [first] = await Promise.all(slots.map(whenReady));
      return new PredictionPool(slots, first!);
    } catch (error) {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
      throw error;
    }
  }

  private constructor(slots: Slot[], ready: Extract<FromPredictionWorker, { kind: 'ready' }>) {
    this.meta = ready.meta;
    this.dir = ready.dir;
    this.backend = ready.backend;
    this.slots = slots;
    for (const slot of slots) {
      slot.worker.on('message', (message: FromPredictionWorker) => this.answered(slot, message));
      slot.worker.on('messageerror', (error) => this.fail(slot, error.message));
      slot.worker.on('exit', () => this.fail(slot, stopReason(slot)));
      if (slot.exitCode !== null) this.fail(slot, stopReason(slot));
      slot.worker.unref();
    }
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Membrane probability for one normalised slice, as predictSlice gives it (same options,
   * same bytes), with its tiles run on the pool's workers. `input` must not change until the
   * promise settles. On abort it rejects at once (code CANCELLED) and the workers drop the
   * slice's remaining tiles.
   */
  predictSlice(input: Float32Array, width: number, height: number, options: PredictSliceOptions): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('This prediction pool was disposed; start a new one.'));
    if (options.signal?.aborted) return Promise.reject(cancelledError());
    let tiling: SliceTiling;
    try {
      tiling = new SliceTiling(width, height, options);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise<Float32Array>((resolve, reject) => {
      const signal = options.signal;
      const task: SliceTask = {
        tiling, input, tta: options.tta === true, onTile: options.onTile,
        next: 0, waiting: new Map(), blended: 0, tilesDone: 0, settled: false, resolve, reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      const onAbort = (): void => this.settle(task, cancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.active.add(task);
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Stops every worker; pending calls reject. Safe to call more than once. */
  dispose(): Promise<void> {
    this.closing ??= (async () => {
      for (const task of [...this.active]) this.settle(task, new Error('The prediction pool was disposed while a slice was being predicted.'));
      await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    })();
    return this.closing;
  }

  /** Hands the next group of tiles to each idle worker. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const task = this.queue[0];
      if (!task) break;
      const group = task.next++;
      if (task.next >= task.tiling.groups) this.queue.shift();
      const { tiling } = task;
      const tiles = tiling.gather(task.input, group);
      const id = this.nextId++;
      slot.job = { id, task, group };
      slot.worker.ref();
      const message: ToPredictionWorker = { kind: 'run', id, tiles, count: tiling.groupSize(group), tileHeight: tiling.y.tile, tileWidth: tiling.x.tile, tta: task.tta };
      slot.worker.postMessage(message, [tiles.buffer as ArrayBuffer]);
    }
  }

  private answered(slot: Slot, message: FromPredictionWorker): void {
    if (message.kind !== 'done' && message.kind !== 'error') return;
    const job = slot.job;
    if (!job || job.id !== message.id) return;
    slot.job = null;
    slot.worker.unref();
    const { task, group } = job;
    if (!task.settled) {
      try {
        if (message.kind === 'error') throw fromErrorInfo(message.error);
        this.finished(task, group, message.probabilities);
      } catch (error) {
        this.settle(task, error as Error);
      }
    }
    this.dispatch();
  }

  private finished(task: SliceTask, group: number, probabilities: Float32Array): void {
    const { tiling } = task;
    task.waiting.set(group, probabilities);
    task.tilesDone += tiling.groupSize(group);
    task.onTile?.(task.tilesDone, tiling.tiles);
    for (let ready = task.waiting.get(task.blended); ready; ready = task.waiting.get(task.blended)) {
      task.waiting.delete(task.blended);
      tiling.blend(task.blended++, ready);
    }
    if (task.blended === tiling.groups) this.settle(task, tiling.result());
  }

  /** Resolves or rejects a task once; a rejected task's running tiles are cancelled. */
  private settle(task: SliceTask, outcome: Float32Array | Error): void {
    if (task.settled) return;
    task.settled = true;
    task.cleanup();
    this.active.delete(task);
    const queued = this.queue.indexOf(task);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (outcome instanceof Float32Array) {
      task.resolve(outcome);
      return;
    }
    if (!this.failure && !this.closing) {
      for (const slot of this.slots) {
        if (slot.job?.task === task) slot.worker.postMessage({ kind: 'cancel', ids: [slot.job.id] } satisfies ToPredictionWorker);
      }
    }
    task.reject(outcome);
  }

  /** A worker died: every pending and later call rejects with why, and the other workers stop. */
  private fail(slot: Slot, reason: string): void {
    if (this.failure || this.closing) return;
    this.failure = Object.assign(
      new Error(
        `Prediction worker ${slot.index + 1} of ${this.size} stopped unexpectedly (${reason}); the prediction was abandoned. ` +
          'Run it again; if it keeps failing, use fewer workers (each holds a copy of the model and its tiles in memory).',
        ...(slot.lastError ? [{ cause: slot.lastError }] : []),
      ),
      { code: 'WORKER_FAILED' },
    );
    for (const task of [...this.active]) this.settle(task, this.failure);
    this.closing = Promise.all(this.slots.map((s) => s.worker.terminate())).then(() => undefined);
  }
}

/** Waits for a new worker's 'ready'; rejects with its load error, or if it dies first. */
function whenReady(slot: Slot): Promise<Extract<FromPredictionWorker, { kind: 'ready' }>> {
  const { worker } = slot;
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromPredictionWorker): void => {
      if (message.kind === 'ready') finish(() => resolve(message));
      else if (message.kind === 'failed') finish(() => reject(fromErrorInfo(message.error, 'A prediction worker could not start: ')));
    };
    const onExit = (): void =>
      finish(() => reject(new Error(`A prediction worker stopped while starting (${stopReason(slot)}). Run \`npm run build:node\` if the build is incomplete, or use one worker.`)));
    const finish = (then: () => void): void => {
      worker.off('message', onMessage).off('exit', onExit);
      then();
    };
    worker.on('message', onMessage).on('exit', onExit);
  });
}

/** An error a worker reported, rebuilt with its code, file and hint (ModelError stays one). */
function fromErrorInfo(info: ErrorInfo, prefix = ''): Error {
  if (info.code === 'CANCELLED') return cancelledError();
  if ((info.code === 'MODEL_NOT_FOUND' || info.code === 'MODEL_CORRUPT' || info.code === 'MODEL_UNSUPPORTED') && info.file) {
    return new ModelError(info.code, info.file, info.message, info.hint ?? '');
  }
  return Object.assign(new Error(`${prefix}${info.message}`), { code: info.code, ...(info.file ? { file: info.file } : {}), ...(info.hint ? { hint: info.hint } : {}) });
}
