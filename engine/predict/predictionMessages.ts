/** What PredictionPool and its workers (predictionWorker.ts) say to each other. Types only. */
import type { ErrorInfo } from '../../protocol/contract.js';
import type { ModelMeta } from '../model/modelFolder.js';
import type { ModelArtifactsInMemory } from '../model/serializeModel.js';
import type { ProviderInfo, ProviderName } from './executionProviders.js';

/** workerData: the model to load and the runtime to run it on. */
export type PredictionWorkerData =
  /** ONNX Runtime on `model` (model.onnx's path or bytes), `threads` intra-op threads; `failed`: providers already known not to start. */
  | { runtime: 'onnx'; dir: string; meta: ModelMeta; model: string | Uint8Array; threads: number; provider?: string; failed: [ProviderName, string][] }
  /** TensorFlow.js, the model from its folder. */
  | { runtime: 'tfjs'; dir: string }
  /** TensorFlow.js, the model from weights serialised in the parent. */
  | { runtime: 'tfjs'; dir: string; meta: ModelMeta; artifacts: ModelArtifactsInMemory };

export type ToPredictionWorker =
  /** Run one forward pass over `count` tiles of tileHeight × tileWidth (tiles is transferred). */
  | { kind: 'run'; id: number; tiles: Float32Array; count: number; tileHeight: number; tileWidth: number; tta: boolean }
  /** Drop these jobs if queued, stop them (at the next TTA variant) if running. */
  | { kind: 'cancel'; ids: number[] };

export type FromPredictionWorker =
  /** `failed`: providers that would not start in the worker, for the parent to skip next time. */
  | { kind: 'ready'; provider: ProviderInfo; meta: ModelMeta; dir: string; failed: [ProviderName, string][] }
  | { kind: 'failed'; error: ErrorInfo; failed: [ProviderName, string][] }
  /** probabilities is transferred. */
  | { kind: 'done'; id: number; probabilities: Float32Array }
  | { kind: 'error'; id: number; error: ErrorInfo };
