import { CodedError, type ErrorDetails } from '../base/CodedError.js';

/**
 * Why a prediction could not be scored against labels. Stable codes for the UI and the CLI:
 * - SHAPE_MISMATCH: the two stacks differ in width, height or slice count
 * - NOT_BINARY: the labels are not 0 = membrane / 255 = cell
 * - OUT_OF_RANGE: the prediction is not a membrane probability (0-1, or an 8/16-bit map)
 */
export type EvaluationErrorCode = 'SHAPE_MISMATCH' | 'NOT_BINARY' | 'OUT_OF_RANGE';

/** A stack pair that cannot be scored: what failed (message, naming the files), and what to do (hint). */
export class EvaluationError extends CodedError<EvaluationErrorCode> {
  override name = 'EvaluationError';
  declare readonly files: readonly string[];
  declare readonly hint: string;

  constructor(code: EvaluationErrorCode, message: string, details: ErrorDetails & { files: readonly string[]; hint: string }) {
    super(code, message, details);
  }
}
