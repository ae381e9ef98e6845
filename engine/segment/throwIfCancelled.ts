/**
 * Throws, when `signal` is aborted, the error every engine call rejects with on cancel
 * (name 'AbortError', code 'CANCELLED'), so that callers tell a cancel from a failure.
 */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error('Segmentation was cancelled.'), { name: 'AbortError', code: 'CANCELLED' });
}
