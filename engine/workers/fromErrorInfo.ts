import type { ErrorInfo } from '../../protocol/contract.js';
import { ModelError } from '../model/ModelError.js';
import { cancelledError } from '../predict/predictSlice.js';

/** An error a worker reported (toErrorInfo), rebuilt with its code, file and hint (ModelError stays one). */
export function fromErrorInfo(info: ErrorInfo, prefix = ''): Error {
  if (info.code === 'CANCELLED') return cancelledError();
  if ((info.code === 'MODEL_NOT_FOUND' || info.code === 'MODEL_CORRUPT' || info.code === 'MODEL_UNSUPPORTED') && info.file) {
    return new ModelError(info.code, info.file, info.message, info.hint ?? '');
  }
  return Object.assign(new Error(`${prefix}${info.message}`), { code: info.code, ...(info.file ? { file: info.file } : {}), ...(info.hint ? { hint: info.hint } : {}) });
}
