import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ActiveBackend } from '../model/selectBackend.js';
import { serializeModel } from '../model/serializeModel.js';
import { tf } from '../model/tfjs.js';
import { fromErrorInfo } from '../base/errorInfo.js';
import { startWorker, workerFile } from '../workers/startWorker.js';
import { listenToSlots, watchWorker, whenReady, type WorkerSlot } from '../workers/WorkerSlot.js';
import type { AdamState } from './adamState.js';
import { sliceBatch, type TrainingBatch } from './makeBatch.js';
import type { FromTrainingWorker, NamedWeights, ToTrainingWorker, TrainingWorkerData } from './trainingMessages.js';

const WORKER = 'train/trainingWorker.js';
/** How long dispose() waits for a WebGPU worker to destroy its device. */
const RELEASE_WAIT_MS = 5000;

type Reply = Exclude<FromTrainingWorker, { kind: 'ready' | 'failed' | 'error' }>;

interface Slot extends WorkerSlot {
  pending: Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>;
}

/** What worker 0 holds: the model's weights and its optimizer's state. */
export interface TrainingSnapshot {
  weights: NamedWeights;
  optimizer: AdamState;
}

/**
 * Data-parallel training on N worker threads, each with its own TensorFlow.js backend, a
 * replica of the model and its own Adam. A step splits the batch's patches between the
 * workers (as evenly as possible), averages their gradients here, weighted by patch count, and
 * sends the average back for every worker to apply; the replicas stay identical because they
 * apply the same gradients on the same backend. The loss so optimised is the patch-weighted
 * mean of the membrane loss of each worker's share (not the loss of the whole batch at once:
 * membraneLoss normalises by labelled pixels and has a Dice term, which do not split).
 * The owner must call dispose().
 */
export class TrainingPool {
  readonly backend: ActiveBackend;
  /** Trainable weight names, in the order gradients are concatenated. */
  readonly weights: string[];
  private readonly slots: Slot[];
  private nextId = 1;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;

  /** Starts `workers` threads with replicas of `model` (and of `optimizer`'s state, when resuming). */
  static async start(model: LayersModel, options: { workers: number; learningRate: number; optimizer?: AdamState | null }): Promise<TrainingPool> {
    const { workers } = options;
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`A training pool needs a whole number of workers (1 or more), not ${workers}.`);
    const file = workerFile(WORKER);
    const data: TrainingWorkerData = { artifacts: await serializeModel(model), learningRate: options.learningRate, optimizer: options.optimizer ?? null };
    const slots: Slot[] = Array.from({ length: workers }, (_, index) => Object.assign(watchWorker(startWorker(WORKER, data, 'membrana-training', file), index), { pending: new Map() }));
    try {
      const ready = await Promise.all(slots.map((slot) => whenReady<FromTrainingWorker>(slot, 'A training worker')));
      return new TrainingPool(slots, ready[0]!, options.learningRate);
    } catch (error) {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
      throw error;
    }
  }

  private constructor(
    slots: Slot[],
    ready: Extract<FromTrainingWorker, { kind: 'ready' }>,
    /** The learning rate of steps that name none. */
    readonly learningRate: number,
  ) {
    this.slots = slots;
    this.backend = ready.backend;
    this.weights = ready.weights;
    listenToSlots(slots, (slot, message: FromTrainingWorker) => this.answered(slot, message), (slot, reason) => this.fail(slot, reason));
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * The loss and gradients of a batch: each worker takes a share of the patches; the result is
   * their patch-weighted average (all trainable weights concatenated, in `weights` order).
   */
  async gradients(batch: TrainingBatch): Promise<{ loss: number; gradients: Float32Array }> {
    if (batch.count < this.size) throw new Error(`A batch of ${batch.count} patches cannot be split between ${this.size} training workers; use a batch of at least ${this.size}.`);
    let first = 0;
    const parts = this.slots.map((slot) => {
      const count = Math.floor(batch.count / this.size) + (slot.index < batch.count % this.size ? 1 : 0);
      const part = sliceBatch(batch, first, count);
      first += count;
      const transfer = [part.x.buffer, part.target.buffer, part.weight.buffer] as ArrayBuffer[];
      return this.request(slot, (id) => ({ kind: 'gradients', id, batch: part }), transfer).then((reply) => ({ count, reply: reply as Extract<Reply, { kind: 'gradients' }> }));
    });
    const results = await Promise.all(parts);
    const length = results[0]!.reply.gradients.length;
    const gradients = new Float32Array(length);
    const shares = results.map((r) => r.count / batch.count);
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (let k = 0; k < results.length; k++) sum += shares[k]! * results[k]!.reply.gradients[i]!;
      gradients[i] = sum;
    }
    return { loss: results.reduce((sum, r, k) => sum + shares[k]! * r.reply.loss, 0), gradients };
  }

  /** Every worker takes one Adam step with these gradients (at this learning rate; default: the pool's). */
  async apply(gradients: Float32Array, learningRate = this.learningRate): Promise<void> {
    await Promise.all(
      this.slots.map((slot) => {
        const copy = gradients.slice();
        return this.request(slot, (id) => ({ kind: 'apply', id, gradients: copy, learningRate }), [copy.buffer]);
      }),
    );
  }

  /** One training step on the batch; resolves to its loss. */
  async step(batch: TrainingBatch, learningRate = this.learningRate): Promise<number> {
    const { loss, gradients } = await this.gradients(batch);
    await this.apply(gradients, learningRate);
    return loss;
  }

  /** Worker 0's weights and optimizer state (all replicas hold the same). */
  async snapshot(): Promise<TrainingSnapshot> {
    const reply = (await this.request(this.slots[0]!, (id) => ({ kind: 'snapshot', id }))) as Extract<Reply, { kind: 'snapshot' }>;
    return { weights: reply.weights, optimizer: reply.optimizer };
  }

  /**
   * Stops every worker; pending calls reject. Workers on WebGPU first destroy their GPU device
   * (terminate() would leave it to the driver), waiting at most RELEASE_WAIT_MS for a step still
   * running. Safe to call more than once.
   */
  dispose(): Promise<void> {
    this.closing ??= (async () => {
      this.rejectAll(new Error('The training pool was disposed while a step was running.'));
      if (this.backend.choice === 'webgpu') await Promise.all(this.slots.map((slot) => this.release(slot)));
      await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    })();
    return this.closing;
  }

  /** Asks a worker to release its backend; resolves when it has answered (or failed), or after RELEASE_WAIT_MS. */
  private release(slot: Slot): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        slot.pending.delete(id);
        resolve();
      };
      const timer = setTimeout(done, RELEASE_WAIT_MS);
      slot.pending.set(id, { resolve: done, reject: done });
      slot.worker.postMessage({ kind: 'close', id } satisfies ToTrainingWorker);
    });
  }

  private request(slot: Slot, message: (id: number) => ToTrainingWorker, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('This training pool was disposed; start a new one.'));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage(message(id), transfer);
    });
  }

  private answered(slot: Slot, message: FromTrainingWorker): void {
    if (message.kind === 'ready' || message.kind === 'failed') return;
    const waiting = slot.pending.get(message.id);
    if (!waiting) return;
    slot.pending.delete(message.id);
    if (slot.pending.size === 0) slot.worker.unref();
    if (message.kind === 'error') waiting.reject(fromErrorInfo(message.error, `Training worker ${slot.index + 1} of ${this.size} failed: `));
    else waiting.resolve(message);
  }

  private rejectAll(error: Error): void {
    for (const slot of this.slots) {
      for (const { reject } of slot.pending.values()) reject(error);
      slot.pending.clear();
    }
  }

  /** A worker died: every pending and later call rejects with why, and the other workers stop. */
  private fail(slot: Slot, reason: string): void {
    if (this.failure || this.closing) return;
    this.failure = Object.assign(
      new Error(
        `Training worker ${slot.index + 1} of ${this.size} stopped unexpectedly (${reason}); training was abandoned. ` +
          'Run it again with --resume to continue from the last checkpoint; if it keeps failing, train with --workers 1 (each worker holds a copy of the model and its activations in memory).',
        ...(slot.lastError ? [{ cause: slot.lastError }] : []),
      ),
      { code: 'WORKER_FAILED' },
    );
    this.rejectAll(this.failure);
    this.closing = Promise.all(this.slots.map((s) => s.worker.terminate())).then(() => undefined);
  }
}

/** Copies a snapshot's weights into a model of the same architecture (matched by weight name). */
export function loadSnapshotWeights(model: LayersModel, weights: NamedWeights): void {
  const tensors = model.weights.map((w) => {
    const index = weights.names.indexOf(w.originalName);
    if (index < 0) throw new Error(`The training workers' model has no weight ${w.originalName}.`);
    return tf.tensor(weights.values[index]!, weights.shapes[index]);
  });
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
