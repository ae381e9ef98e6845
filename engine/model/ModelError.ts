/** A model folder that cannot be used: which folder or file, what is wrong, what to do. */
export class ModelError extends Error {
  constructor(
    readonly code: 'MODEL_NOT_FOUND' | 'MODEL_CORRUPT' | 'MODEL_UNSUPPORTED',
    readonly file: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
