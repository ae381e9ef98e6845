/** What TrainingPool and its workers (trainingWorker.ts) say to each other. Types only. */
import type { ErrorInfo } from '../../protocol/contract.js';
import type { ActiveBackend } from '../model/selectBackend.js';
import type { ModelArtifactsInMemory } from '../model/serializeModel.js';
import type { AdamState } from './adamState.js';
import type { TrainingBatch } from './makeBatch.js';

/** workerData: the model to rebuild, and the optimizer to continue (null: a fresh Adam). */
export interface TrainingWorkerData {
  artifacts: ModelArtifactsInMemory;
  learningRate: number;
  optimizer: AdamState | null;
}

/** A model's weights by name ('down0_conv1/kernel'), as a worker sends them back. */
export interface NamedWeights {
  names: string[];
  shapes: number[][];
  values: Float32Array[];
}

export type ToTrainingWorker =
  /** Loss and gradients of the membrane loss over these patches (buffers transferred). */
  | { kind: 'gradients'; id: number; batch: TrainingBatch }
  /** One Adam step at this learning rate with these gradients, all trainable weights concatenated in the worker's order. */
  | { kind: 'apply'; id: number; gradients: Float32Array; learningRate: number }
  /** The model's weights and the optimizer's state. */
  | { kind: 'snapshot'; id: number }
  /** Release the backend (WebGPU's device) before the pool terminates the thread. */
  | { kind: 'close'; id: number };

export type FromTrainingWorker =
  /** weights: the trainable weights, in the order gradients are concatenated; sizes: their element counts. */
  | { kind: 'ready'; backend: ActiveBackend; weights: string[]; sizes: number[] }
  | { kind: 'failed'; error: ErrorInfo }
  /** gradients is transferred. */
  | { kind: 'gradients'; id: number; loss: number; gradients: Float32Array }
  | { kind: 'applied'; id: number }
  | { kind: 'closed'; id: number }
  | { kind: 'snapshot'; id: number; weights: NamedWeights; optimizer: AdamState }
  | { kind: 'error'; id: number; error: ErrorInfo };
