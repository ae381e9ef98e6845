import { FileError } from '../base/CodedError.js';

export type ModelErrorCode = 'MODEL_NOT_FOUND' | 'MODEL_CORRUPT' | 'MODEL_UNSUPPORTED';

/** A model folder that cannot be used: which folder or file, what is wrong, what to do. */
export class ModelError extends FileError<ModelErrorCode> {
  override name = 'ModelError';
}
