import { describe, expect, it } from 'vitest';
import { CancelledError, isCancellation, throwIfCancelled } from './cancellation.js';
import { CodedError } from './CodedError.js';

describe('cancellation', () => {
  it('throws one CancelledError, code CANCELLED and name AbortError, once the signal fires', () => {
    const controller = new AbortController();
    expect(() => throwIfCancelled(controller.signal, 'Meshing')).not.toThrow();
    expect(() => throwIfCancelled(undefined, 'Meshing')).not.toThrow();
    controller.abort();
    expect(() => throwIfCancelled(controller.signal, 'Meshing')).toThrow(expect.objectContaining({ code: 'CANCELLED', name: 'AbortError', message: 'Meshing was cancelled.' }));
    expect(new CancelledError('The project was closed.')).toBeInstanceOf(CodedError);
  });

  it('tells a cancel, ours or the platform’s, from a failure', () => {
    expect(isCancellation(new CancelledError('x'))).toBe(true);
    expect(isCancellation(new DOMException('stop', 'AbortError'))).toBe(true);
    expect(isCancellation(new CodedError('CORRUPT_CHUNK', 'x'))).toBe(false);
    expect(isCancellation(null)).toBe(false);
  });
});
