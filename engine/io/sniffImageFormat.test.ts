import { describe, expect, it } from 'vitest';
import { sniffImageFormat, sniffOtherFormat } from './sniffImageFormat.js';

const bytes = (...values: (number | string)[]) => Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? Array.from(v, (c) => c.charCodeAt(0)) : [v])));

describe('sniffImageFormat', () => {
  it('recognises TIFF, BigTIFF (both byte orders), PNG and JPEG by their first bytes', () => {
    expect(sniffImageFormat(bytes('II', 42, 0, 8, 0, 0, 0))).toBe('tiff');
    expect(sniffImageFormat(bytes('MM', 0, 42, 0, 0, 0, 8))).toBe('tiff');
    expect(sniffImageFormat(bytes('II', 43, 0, 8, 0, 0, 0))).toBe('tiff');
    expect(sniffImageFormat(bytes('MM', 0, 43, 0, 8, 0, 0))).toBe('tiff');
    expect(sniffImageFormat(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a))).toBe('png');
    expect(sniffImageFormat(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
  });

  it('recognises nothing else, whatever the name', () => {
    expect(sniffImageFormat(bytes('hello world'))).toBeUndefined();
    expect(sniffImageFormat(new Uint8Array(0))).toBeUndefined();
    expect(sniffImageFormat(bytes('II', 42))).toBeUndefined();
  });

  it('names formats people drop by mistake', () => {
    expect(sniffOtherFormat(bytes('GIF89a'))).toBe('GIF');
    expect(sniffOtherFormat(bytes(0x89, 'HDF', 0x0d, 0x0a, 0x1a, 0x0a))).toBe('HDF5');
    expect(sniffOtherFormat(bytes('PK', 3, 4, 0, 0))).toBe('ZIP');
    const mrc = new Uint8Array(1024);
    mrc.set(bytes('MAP '), 208);
    expect(sniffOtherFormat(mrc)).toBe('MRC');
    expect(sniffOtherFormat(bytes('plain text'))).toBeUndefined();
  });
});
