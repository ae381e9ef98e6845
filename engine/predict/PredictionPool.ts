import os from 'node:os';
import path from 'node:path';
import type { LoadedModel, ModelMeta } from '../model/modelFolder.js';
import { fromErrorInfo } from '../base/errorInfo.js';
import { startWorker, workerFile } from '../workers/startWorker.js';
import { listenToSlots, watchWorker, whenReady, type WorkerSlot } from '../workers/WorkerSlot.js';
import { cancelledError } from './cancelledError.js';
import type { ProviderInfo } from './executionProviders.js';
import type { FromPredictionWorker, PredictionWorkerData, ToPredictionWorker } from './predictionMessages.js';
import type { PredictSliceOptions } from './predictSlice.js';
import type { Predictor } from './Predictor.js';
import { SliceTiling } from './SliceTiling.js';
import { failedProviders, recordFailedProviders } from './startOnnxSession.js';

/** An ONNX model for PredictionPool.startOnnx: model.onnx's path or bytes, with the folder's metadata. */
export interface OnnxSource {
  dir: string;
  meta: ModelMeta;
  model: string | Uint8Array;
  /** ORT intra-op threads. */
  threads: number;
  /** A provider to use instead of MEMBRANA_EP or the fastest. */
  provider?: string;
}

/** One worker per core, at most 2: the machines Membrana targets have 2–4 cores and training may share them. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

/** The compiled worker entry (see workerFile); throws, saying to build, if it is missing. */
export function predictionWorkerFile(): string {
  return workerFile('predict/predictionWorker.js');
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

interface Slot extends WorkerSlot {
  /** The job the worker is running; it stays here after a cancel until the worker answers. */
  job: { id: number; task: SliceTask; group: number } | null;
}

/**
 * Worker threads that share the tiles of the slices given to predictSlice: one ONNX Runtime
 * session (startOnnx: the app's predictor, ORT spreading each pass over all cores while the
 * engine thread stays free), or N TensorFlow.js workers, each with its own backend and copy of
 * the model (start). One slice's tiles spread over the workers, and several slices in flight
 * keep them all busy. Results are blended here in tile order, so they are the same bytes as
 * predictSlice on one thread with the same runner. The owner must call dispose(); an idle pool
 * does not keep the process alive.
 */
export class PredictionPool implements Predictor {
  /** The model's metadata (tile size, architecture, normalisation). */
  readonly meta: ModelMeta;
  /** The model's folder (or its label, for a model that was never saved). */
  readonly dir: string;
  /** What the workers run on (the first worker's; they all select the same way). */
  readonly provider: ProviderInfo;
  private readonly slots: Slot[];
  /** Tasks with groups not yet handed out, oldest first. */
  private readonly queue: SliceTask[] = [];
  private readonly active = new Set<SliceTask>();
  private nextId = 1;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;

  /**
   * Starts `workers` TensorFlow.js threads and loads the model in each: from its folder for
   * `{ dir }`, or from the weights of an in-memory model (serialised here, so later in-memory
   * changes to the model do not reach the pool). Rejects, with every thread stopped, if any
   * cannot start.
   */
  static async start(loaded: LoadedModel | { dir: string }, workers = defaultWorkerCount(), skipped: string[] = []): Promise<PredictionPool> {
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`A prediction pool needs a whole number of workers (1 or more), not ${workers}.`);
    let data: PredictionWorkerData;
    if ('model' in loaded) {
      const { serializeModel } = await import('../model/serializeModel.js');
      data = { runtime: 'tfjs', dir: loaded.dir, meta: loaded.meta, artifacts: await serializeModel(loaded.model) };
    } else {
      data = { runtime: 'tfjs', dir: path.resolve(loaded.dir) };
    }
    return PredictionPool.launch(data, workers, skipped);
  }

  /**
   * One worker thread holding an ONNX Runtime session for `source` (providers chosen there as
   * startOnnxSession chooses them; those found not to start are remembered here too). Rejects
   * when no provider starts.
   */
  static startOnnx(source: OnnxSource): Promise<PredictionPool> {
    const { dir, meta, model, threads, provider } = source;
    return PredictionPool.launch({ runtime: 'onnx', dir, meta, model, threads, ...(provider ? { provider } : {}), failed: failedProviders() }, 1);
  }

  private static async launch(data: PredictionWorkerData, workers: number, skipped: string[] = []): Promise<PredictionPool> {
    const file = predictionWorkerFile();
    const slots: Slot[] = Array.from({ length: workers }, (_, index) => {
      const worker = startWorker('predict/predictionWorker.js', data, 'membrana-prediction', file);
      // Providers a worker found would not start are skipped by the next one without trying.
      worker.once('message', (message: FromPredictionWorker) => {
        if (message.kind === 'ready' || message.kind === 'failed') recordFailedProviders(message.failed);
      });
      return Object.assign(watchWorker(worker, index), { job: null });
    });
    try {
      const [first] = await Promise.all(slots.map((slot) => whenReady<FromPredictionWorker>(slot, 'A prediction worker')));
      return new PredictionPool(slots, first!, skipped);
    } catch (error) {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
      throw error;
    }
  }

  private constructor(slots: Slot[], ready: Extract<FromPredictionWorker, { kind: 'ready' }>, skipped: string[]) {
    this.meta = ready.meta;
    this.dir = ready.dir;
    this.provider = { ...ready.provider, skipped: [...skipped, ...ready.provider.skipped] };
    this.slots = slots;
    listenToSlots(slots, (slot, message: FromPredictionWorker) => this.answered(slot, message), (slot, reason) => this.fail(slot, reason));
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.slots.length;
  }

  /** Two slices more than workers: a worker that finishes finds the next tiles gathered. */
  get parallelism(): number {
    return this.slots.length + 2;
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
