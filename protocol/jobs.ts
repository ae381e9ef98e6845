/** Long jobs of a project: predicting slices and fine-tuning the model on the corrections (progress, cancellable). */
import type { FineTuneResult } from './models.js';
import type { ProjectInfo } from './projects.js';

/** The jobs calls: each call's arguments and result (see EngineCalls). */
export interface JobCalls {
  /** Predicts slices first..last (inclusive) with the active model and stores them; progress per slice. */
  predict: { args: { projectId: string; first: number; last: number; tta?: boolean }; result: ProjectInfo };
  /** Fine-tunes the active model on the corrections (validation slices, or a share of corrected pixels, held out); makes a new version, active only when it is better by more than the noise. */
  fineTune: { args: { projectId: string; steps: number }; result: FineTuneResult };
}
