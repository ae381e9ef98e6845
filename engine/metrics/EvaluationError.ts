/**
 * Why a prediction could not be scored against labels. Stable codes for the UI and the CLI:
 * - SHAPE_MISMATCH: the two stacks differ in width, height or slice count
 * - NOT_BINARY: the labels are not 0 = membrane / 255 = cell
 * - OUT_OF_RANGE: the prediction is not a membrane probability (0-1, or an 8/16-bit map)
 */
export type EvaluationErrorCode = 'SHAPE_MISMATCH' | 'NOT_BINARY' | 'OUT_OF_RANGE';

/** A stack pair that cannot be scored: what failed (message, naming the files), and what to do (hint). */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
  readonly code: EvaluationErrorCode;
  /** The files the error is about. */
  readonly files: string[];
  /** What the user can do about it, in one sentence. */
  readonly hint: string;

  constructor(code: EvaluationErrorCode, files: string[], message: string, hint: string) {
    super(message);
    this.code = code;
    this.files = files;
    this.hint = hint;
  }
}
