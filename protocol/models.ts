/** Model versions of a project: scores on held-out corrections, the active version, export and import. */
import type { ProjectInfo } from './projects.js';

/**
 * Quality of a model on held-out corrected pixels (engine/metrics/heldOutScores.ts). Pixel-level
 * figures always; the ISBI 2012 segment scores only when every pixel of the scored slices is
 * labelled (on strokes they mean little), else null.
 */
export interface QualityMetrics {
  /** Share of held-out labelled pixels classified wrongly at threshold 0.5, membrane and cell weighed equally. */
  error: number;
  membrane_error: number | null;
  cell_error: number | null;
  membrane_f1: number | null;
  cell_f1: number | null;
  /** Mean binary cross-entropy per labelled pixel (nats). */
  cross_entropy: number;
  labelled_pixels: number;
  membrane_pixels: number;
  cell_pixels: number;
  /** 64² tiles with a labelled pixel (the samples behind a verdict's noise). */
  blocks: number;
  slices: number[];
  pixel_error: number | null;
  v_rand: number | null;
  v_info: number | null;
}

/** Whether a fine-tuned model beat the one it started from on held-out corrections by more than the noise, and why, in plain words. */
export interface FineTuneVerdict {
  better: boolean;
  /** Starting error − fine-tuned error (positive: fewer errors); null when nothing was held out. */
  improvement: number | null;
  /** Standard error of the improvement (bootstrap over held-out tiles). */
  noise: number | null;
  reason: string;
}

/** What a model version learnt from: corrected slices it trained on and held out, and how many labelled pixels (none for the shipped and imported models). */
export interface VersionData {
  trainSlices: number[];
  validationSlices: number[];
  labelledPixels: number;
}

/** Quality on the validation slices before (the parent) and after training; null when there was nothing to score. Empty for versions not made by fine-tuning. */
export interface VersionMetrics {
  before?: QualityMetrics | null;
  after?: QualityMetrics | null;
  /** Whether it beat its parent on the held-out corrections, and why (fine-tuned versions). */
  verdict?: FineTuneVerdict;
  /** What was held out, in words. */
  heldOut?: string;
}

/**
 * One model version of a project: every fine-tune makes one, with its parent and what it learnt
 * from. The engine stores it as the version's version.json (engine/project/modelVersions.ts) and
 * sends it as it is stored.
 */
export interface ModelVersionInfo {
  id: string;
  /** The version it was fine-tuned from; null for the shipped and for imported models. */
  parent: string | null;
  /** ISO 8601 time it was made. */
  created: string;
  note: string;
  data: VersionData;
  metrics: VersionMetrics;
}

export interface FineTuneResult {
  version: ModelVersionInfo;
  project: ProjectInfo;
  /** The new version became the active one (it beat the active one by more than the noise: `verdict`). */
  activated: boolean;
  verdict: FineTuneVerdict;
  /** The step whose weights the version holds (the best judged). */
  bestStep: number;
  cancelled: boolean;
  steps: number;
  seconds: number;
  losses: number[];
}

/** The models calls: each call's arguments and result (see EngineCalls). */
export interface ModelCalls {
  /** Scores the active model's stored predictions on the validation slices' corrections (null: nothing to score). */
  evaluate: { args: { projectId: string }; result: QualityMetrics | null };
  setActiveModel: { args: { projectId: string; version: string }; result: ProjectInfo };
  exportModel: { args: { projectId: string; version: string; dir: string }; result: null };
  importModel: { args: { projectId: string; dir: string; note?: string }; result: ProjectInfo };
}
