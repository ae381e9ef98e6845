import { CodedError } from '../base/CodedError.js';

/** An error a call reports to the UI: a stable code, what failed, and what to do about it. */
export class CallError extends CodedError {
  override name = 'CallError';
}
