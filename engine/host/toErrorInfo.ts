import type { ErrorInfo } from '../../protocol/contract.js';

/** Any thrown value as an ErrorInfo; errors that carry code/file/hint keep them. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const { code, file, hint } = error as Error & { code?: unknown; file?: unknown; hint?: unknown };
    return {
      code: typeof code === 'string' ? code : 'INTERNAL',
      message: error.message,
      ...(typeof file === 'string' ? { file } : {}),
      ...(typeof hint === 'string' ? { hint } : {}),
    };
  }
  return { code: 'INTERNAL', message: String(error) };
}
