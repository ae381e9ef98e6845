import { expect } from 'vitest';
import { VolumeReadError } from '../VolumeReadError.js';

/**
 * The VolumeReadError that `read(bytes, file)` throws, checked to name the file and carry a hint;
 * fails the test if it does not throw one.
 */
export function expectReadError(read: (bytes: Uint8Array, file: string) => unknown, bytes: Uint8Array, file: string): VolumeReadError {
  try {
    read(bytes, file);
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeReadError);
    const e = error as VolumeReadError;
    expect(e.file).toBe(file);
    expect(e.message).toContain(file);
    expect(e.hint.length).toBeGreaterThan(10);
    return e;
  }
  throw new Error(`${read.name} did not throw for ${file}`);
}
