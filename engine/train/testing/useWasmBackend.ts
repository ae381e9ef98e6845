import { afterAll, beforeAll } from 'vitest';
import { selectBackend } from '../../model/selectBackend.js';

/**
 * For a test file: TensorFlow.js on WebAssembly here and, through MEMBRANA_BACKEND, in any
 * training workers it starts (the app's backend, many times faster than plain JavaScript, and the
 * same on both sides so figures compare closely); the variable is put back afterwards.
 */
export function useWasmBackend(): void {
  let saved: string | undefined;
  beforeAll(async () => {
    saved = process.env.MEMBRANA_BACKEND;
    process.env.MEMBRANA_BACKEND = 'wasm';
    await selectBackend('wasm');
  }, 60_000);
  afterAll(() => {
    if (saved === undefined) delete process.env.MEMBRANA_BACKEND;
    else process.env.MEMBRANA_BACKEND = saved;
  });
}
