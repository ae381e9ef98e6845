import type { ErrorInfo } from '../../protocol/contract.js';

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
