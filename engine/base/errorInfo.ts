import type { ErrorInfo } from '../../protocol/contract.js';
import { CancelledError } from './cancellation.js';
import { CodedError } from './CodedError.js';

/**
 * Any thrown value as the ErrorInfo that crosses a process or thread boundary. Errors that carry
 * a code, a file or files and a hint (CodedError, Node's system errors) keep them; anything else
 * is 'INTERNAL'.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const { code, file, files, hint } = error as Error & { code?: unknown; file?: unknown; files?: unknown; hint?: unknown };
    return {
      code: typeof code === 'string' ? code : 'INTERNAL',
      message: error.message,
      ...(typeof file === 'string' ? { file } : {}),
      ...(Array.isArray(files) && files.every((f) => typeof f === 'string') ? { files: [...(files as string[])] } : {}),
      ...(typeof hint === 'string' ? { hint } : {}),
    };
  }
  return { code: 'INTERNAL', message: String(error) };
}

/**
 * An ErrorInfo from another thread or process (a worker's toErrorInfo) as an error again, with its
 * code, file(s) and hint; a cancel is a CancelledError. One with a hint was written for people and
 * keeps its message; a bare one (a bug, a Node error) gets `prefix`, which names where it happened.
 */
export function fromErrorInfo(info: ErrorInfo, prefix = ''): CodedError {
  const { code, message, file, files, hint } = info;
  if (code === 'CANCELLED') return new CancelledError(message, { file, hint });
  return new CodedError(code, hint ? message : `${prefix}${message}`, { file, files, hint });
}
