import { CancelledError } from '../base/cancellation.js';

/** The error every prediction path throws when its AbortSignal fires. */
export function cancelledError(): CancelledError {
  return new CancelledError('Prediction was cancelled.');
}
