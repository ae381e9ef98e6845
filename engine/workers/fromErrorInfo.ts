import type { ErrorInfo } from '../../protocol/contract.js';
import { CodedError } from '../base/CodedError.js';
import { cancelledError } from '../predict/predictSlice.js';

/**
 * An error a worker reported (toErrorInfo), rebuilt with its code, file(s) and hint. One with a
 * hint was written for people and keeps its message; a bare one (a bug, a Node error) gets
 * `prefix`, which names the worker.
 */
export function fromErrorInfo(info: ErrorInfo, prefix = ''): Error {
  if (info.code === 'CANCELLED') return cancelledError();
  const { code, message, file, files, hint } = info;
  return new CodedError(code, hint ? message : `${prefix}${message}`, { file, files, hint });
}
