import { describe, expect, it } from 'vitest';
import { collectTransferables, decodeFrame, encodeFrame } from './wire.js';

describe('wire frames', () => {
  it('round-trips typed arrays and ArrayBuffers as binary, not JSON', () => {
    const floats = new Float32Array([1.5, -2, Number.NaN, 3e9]);
    const bytes = new Uint8Array([1, 2, 3]);
    const shorts = new Uint16Array(1000).map((_, i) => i * 7);
    const message = { kind: 'result', id: 7, ok: true, value: { floats, raw: bytes.buffer, nested: [{ shorts }], name: 'x' } };
    const frame = encodeFrame(message);
    // 4000 + 3 + 2000 bytes of data must not be inflated into a JSON array
    expect(frame.byteLength).toBeLessThan(6003 + 400);
    const out = decodeFrame(frame) as typeof message;
    expect(out.value.name).toBe('x');
    expect(out.value.floats).toBeInstanceOf(Float32Array);
    expect(Array.from(out.value.floats)).toEqual(Array.from(floats));
    expect(new Uint8Array(out.value.raw)).toEqual(bytes);
    expect(out.value.nested[0]!.shorts).toEqual(shorts);
  });

  it('decodes from a view into a larger buffer, as a Node Buffer from ws is', () => {
    const frame = encodeFrame({ data: new Uint8Array([4, 5, 6]) });
    const pool = new Uint8Array(frame.byteLength + 64);
    pool.set(frame, 32);
    const view = new Uint8Array(pool.buffer, 32, frame.byteLength);
    const out = decodeFrame(view) as { data: Uint8Array };
    expect(out.data.buffer.byteLength).toBe(3);
    expect(Array.from(out.data)).toEqual([4, 5, 6]);
  });

  it('keeps a subarray view to its own bytes', () => {
    const whole = new Uint8Array([9, 8, 7, 6, 5]);
    const out = decodeFrame(encodeFrame({ part: whole.subarray(1, 3) })) as { part: Uint8Array };
    expect(Array.from(out.part)).toEqual([8, 7]);
  });

  it('rejects frames that are not ours or are cut short', () => {
    expect(() => decodeFrame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/bad magic/);
    const frame = encodeFrame({ data: new Uint8Array(100) });
    expect(() => decodeFrame(frame.subarray(0, 20))).toThrow(/Truncated/);
  });

  it('collects each ArrayBuffer once for transfer lists', () => {
    const buffer = new ArrayBuffer(8);
    const list = collectTransferables({ a: buffer, b: new Uint8Array(buffer), c: [new Float32Array(2)] });
    expect(list).toHaveLength(2);
    expect(list[0]).toBe(buffer);
  });
});
