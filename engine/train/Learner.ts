import type { LayersModel } from '@tensorflow/tfjs-layers';
import { selectBackend } from '../model/selectBackend.js';
import { tf } from '../model/tfjs.js';
import { readAdamState, setAdamLearningRate, writeAdamState, type AdamState } from './adamState.js';
import type { TrainingBatch } from './makeBatch.js';
import { membraneLoss } from './membraneLoss.js';
import { setTrainable, type TrainableLayers } from './trainableLayers.js';
import { weightNames } from './trainingCheckpoint.js';
import { loadSnapshotWeights, TrainingPool } from './TrainingPool.js';

/**
 * Takes training steps on a model: on this thread with its own Adam (workers = 1), or on a
 * TrainingPool of worker threads. `sync` brings the pool's weights into the model (to score or
 * save it); `optimizerState` is the Adam state in the one-thread checkpoint format either way.
 */
export class Learner {
  private constructor(
    private readonly model: LayersModel,
    private readonly optimizer: tf.Optimizer | null,
    readonly pool: TrainingPool | null,
  ) {}

  /**
   * `optimizer`: Adam's state to continue from (a resumed run), or null for a fresh Adam.
   * `trainable`: the layers the steps change (default all); the model keeps the flags until dispose().
   */
  static async start(model: LayersModel, options: { workers: number; learningRate: number; optimizer?: AdamState | null; trainable?: TrainableLayers }): Promise<Learner> {
    setTrainable(model, options.trainable ?? 'all');
    if (options.workers > 1) {
      return new Learner(model, null, await TrainingPool.start(model, { workers: options.workers, learningRate: options.learningRate, optimizer: options.optimizer ?? null }));
    }
    const optimizer = tf.train.adam(options.learningRate);
    if (options.optimizer) await writeAdamState(optimizer, options.optimizer, weightNames(model));
    return new Learner(model, optimizer, null);
  }

  get workers(): number {
    return this.pool?.size ?? 1;
  }

  /** The compute backend the steps run on, as the UI and logs describe it ('WebAssembly (SIMD)'). */
  async backend(): Promise<string> {
    return this.pool ? this.pool.backend.description : (await selectBackend()).description;
  }

  /** One step at this learning rate; resolves to its loss. */
  async step(batch: TrainingBatch, learningRate: number): Promise<number> {
    if (this.pool) return this.pool.step(batch, learningRate);
    const optimizer = this.optimizer!;
    setAdamLearningRate(optimizer, learningRate);
    const shape: [number, number, number, number] = [batch.count, batch.size, batch.size, 1];
    const [x, target, weight] = [tf.tensor4d(batch.x, shape), tf.tensor4d(batch.target, shape), tf.tensor4d(batch.weight, shape)];
    const variables = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    try {
      const cost = optimizer.minimize(() => membraneLoss(this.model.apply(x, { training: true }) as tf.Tensor, target, weight), true, variables);
      const loss = (await cost!.data())[0]!;
      cost!.dispose();
      return loss;
    } finally {
      tf.dispose([x, target, weight]);
    }
  }

  /** Brings the pool's weights into the model (nothing to do on one thread). */
  async sync(): Promise<void> {
    if (this.pool) loadSnapshotWeights(this.model, (await this.pool.snapshot()).weights);
  }

  /** Adam's state, by weight name (worker 0's with a pool: all replicas hold the same). */
  async optimizerState(): Promise<AdamState> {
    if (this.pool) return (await this.pool.snapshot()).optimizer;
    return readAdamState(this.optimizer!, weightNames(this.model));
  }

  /** Ends the steps; the model trains all its layers again (a saved model carries no frozen layers). */
  async dispose(): Promise<void> {
    setTrainable(this.model, 'all');
    this.optimizer?.dispose();
    await this.pool?.dispose();
  }
}

/** A copy of the model's weights (to put back with restoreWeights). */
export async function copyWeights(model: LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => Float32Array.from(await w.data())));
}

export function restoreWeights(model: LayersModel, values: readonly Float32Array[]): void {
  const tensors = model.weights.map((w, k) => tf.tensor(values[k]!, w.shape as number[]));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
