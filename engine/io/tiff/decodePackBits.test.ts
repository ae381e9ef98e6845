import { describe, expect, it } from 'vitest';
import { encodePackBits } from '../testing/buildTiff.js';
import { decodePackBits } from './decodePackBits.js';

describe('decodePackBits', () => {
  it('decodes the example of TIFF 6.0 section 9', () => {
    const packed = Uint8Array.from([0xfe, 0xaa, 0x02, 0x80, 0x00, 0x2a, 0xfd, 0xaa, 0x03, 0x80, 0x00, 0x2a, 0x22, 0xf7, 0xaa]);
    const expected = [0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0x22, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa];
    const output = new Uint8Array(expected.length);
    expect(decodePackBits(packed, output)).toBe(expected.length);
    expect(Array.from(output)).toEqual(expected);
  });

  it('skips the -128 no-op and round-trips mixed runs', () => {
    const output = new Uint8Array(2);
    expect(decodePackBits(Uint8Array.from([0x80, 0x01, 5, 6]), output)).toBe(2);
    expect(Array.from(output)).toEqual([5, 6]);
    const input = Uint8Array.from({ length: 1000 }, (_, i) => (i % 300 < 150 ? 9 : (i * 37) & 0xff));
    const decoded = new Uint8Array(1000);
    expect(decodePackBits(encodePackBits(input), decoded)).toBe(1000);
    expect(Buffer.compare(decoded, input)).toBe(0);
  });
});
