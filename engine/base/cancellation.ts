import { CodedError, type ErrorDetails } from './CodedError.js';

/**
 * The one error the engine rejects with when a call or job is cancelled. Its code, 'CANCELLED',
 * tells the UI to show no error; its name, 'AbortError', is the one fetch, zarrita and
 * AbortSignal give theirs, so one check (isCancellation) tells any cancel from a failure.
 */
export class CancelledError extends CodedError<'CANCELLED'> {
  override name = 'AbortError';

  constructor(message: string, details: ErrorDetails = {}) {
    super('CANCELLED', message, details);
  }
}

/** Throws CancelledError ("<what> was cancelled.") once `signal` has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new CancelledError(`${what} was cancelled.`);
}

/** True for a cancel (a CancelledError, or any AbortError) rather than a failure. */
export function isCancellation(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}
