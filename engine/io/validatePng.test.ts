import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildPng } from '../fuzz/pngCases.js';
import { readPng } from './readPng.js';
import { expectReadError } from './testing/expectReadError.js';
import { scanlineBytes } from './validatePng.js';

const file = 'slice.png';

describe('validatePng: the header and the image data are checked before decoding', () => {
  it('reads a valid slice', () => {
    expect(readPng(buildPng(48, 40), file)).toMatchObject({ width: 48, height: 40, dtype: 'uint8' });
  });

  it('refuses a 10^6 × 10^6 header as TOO_LARGE before the decoder allocates', () => {
    const error = expectReadError(readPng, buildPng(1_000_000, 1_000_000), file);
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toMatch(/1,000,000 × 1,000,000 pixels take/);
  });

  it('refuses bit depths and colour types PNG does not define, as CORRUPT', () => {
    expect(expectReadError(readPng, buildPng(8, 8, { bitDepth: 3 }), file).message).toMatch(/bit depth 3 is not allowed for colour type 0/);
    expect(expectReadError(readPng, buildPng(8, 8, { colorType: 5 }), file).message).toMatch(/colour type 5 does not exist/);
    expect(expectReadError(readPng, buildPng(0, 8), file).message).toMatch(/its size is 0 × 8 pixels/);
  });

  it('refuses image data shorter or longer than the header declares', () => {
    const short = expectReadError(readPng, buildPng(48, 40, { idat: zlib.deflateSync(new Uint8Array(30)) }), file);
    expect(short.message).toMatch(/holds only 30 bytes of the 1,960/);
    const long = expectReadError(readPng, buildPng(48, 40, { idat: zlib.deflateSync(new Uint8Array(5000)) }), file);
    expect(long.message).toMatch(/holds more than 1,960 bytes/);
  });

  it('counts the scanlines of the seven Adam7 passes', () => {
    // 8 × 8, 8-bit grey: passes of 1×1, 1×1, 2×1, 2×2, 4×2, 4×4, 8×4 pixels, each row with a filter byte.
    expect(scanlineBytes(8, 8, 8, true)).toBe(2 + 2 + 3 + 2 * 3 + 2 * 5 + 4 * 5 + 4 * 9);
    expect(scanlineBytes(8, 8, 8, false)).toBe(8 * 9);
  });
});
