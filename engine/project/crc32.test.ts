import { describe, expect, it } from 'vitest';
import { crc32, tableCrc32 } from './crc32.js';

describe('crc32', () => {
  it('matches the standard check value and the fallback agrees with the native one', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(tableCrc32(check)).toBe(0xcbf43926);
    expect(tableCrc32(new Uint8Array(0))).toBe(0);
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) & 0xff);
    expect(tableCrc32(random)).toBe(crc32(random));
  });
});
