import { CodedError } from '../base/CodedError.js';

/** A problem with how the command was called: printed with the usage, exit code 2. */
export class UsageError extends CodedError<'USAGE'> {
  override name = 'UsageError';

  constructor(message: string) {
    super('USAGE', message);
  }
}
