/** What PredictionPool and its workers (predictionWorker.ts) say to each other. Types only. */
import type { ErrorInfo } from '../../protocol/contract.js';
import type { ActiveBackend } from '../model/selectBackend.js';
import type { ModelMeta } from '../model/modelFolder.js';
import type { ModelArtifactsInMemory } from '../model/serializeModel.js';

/** workerData: the model to load, from its folder or from the parent's memory. */
export type PredictionWorkerData = { dir: string } | { dir: string; meta: ModelMeta; artifacts: ModelArtifactsInMemory };

export type ToPredictionWorker =
  /** Run one forward pass over `count` tiles of tileHeight × tileWidth (tiles is transferred). */
  | { kind: 'run'; id: number; tiles: Float32Array; count: number; tileHeight: number; tileWidth: number; tta: boolean }
  /** Drop these jobs if queued, stop them (at the next TTA variant) if running. */
  | { kind: 'cancel'; ids: number[] };

export type FromPredictionWorker =
  | { kind: 'ready'; backend: ActiveBackend; meta: ModelMeta; dir: string }
  | { kind: 'failed'; error: ErrorInfo }
  /** probabilities is transferred. */
  | { kind: 'done'; id: number; probabilities: Float32Array }
  | { kind: 'error'; id: number; error: ErrorInfo };
