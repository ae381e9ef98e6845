import { CodedError, type ErrorDetails } from '../base/CodedError.js';

export type ModelErrorCode = 'MODEL_NOT_FOUND' | 'MODEL_CORRUPT' | 'MODEL_UNSUPPORTED';

/** A model folder that cannot be used: which folder or file, what is wrong, what to do. */
export class ModelError extends CodedError<ModelErrorCode> {
  override name = 'ModelError';
  declare readonly file: string;
  declare readonly hint: string;

  constructor(code: ModelErrorCode, message: string, details: ErrorDetails & { file: string; hint: string }) {
    super(code, message, details);
  }
}
