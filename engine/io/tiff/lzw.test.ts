import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { encodeLzwOldStyle } from '../testing/buildTiff.js';
import { writeTiff } from '../writeTiff.js';
import { decodeLzw } from './decodeLzw.js';
import { encodeLzw } from './encodeLzw.js';

function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    bytes[i] = seed >>> 24;
  }
  return bytes;
}

/**
 * A prefix of the de Bruijn sequence B(256, 2): no byte pair repeats, so the encoder emits exactly
 * one code per byte and a given length lands on a chosen code-width boundary.
 */
function distinctPairs(length: number): Uint8Array {
  const sequence: number[] = [];
  const a = new Array<number>(3).fill(0);
  const generate = (t: number, p: number): void => {
    if (sequence.length >= length) return;
    if (t > 2) {
      if (2 % p === 0) for (let j = 1; j <= p; j++) sequence.push(a[j]!);
      return;
    }
    a[t] = a[t - p]!;
    generate(t + 1, p);
    for (let j = a[t - p]! + 1; j < 256; j++) {
      a[t] = j;
      generate(t + 1, t);
    }
  };
  generate(1, 1);
  return Uint8Array.from(sequence.slice(0, length));
}

/** Decodes into a roomier buffer than needed, so the decoder must find the EOI code at the right width. */
function roundTrip(input: Uint8Array, encode: (bytes: Uint8Array) => Uint8Array = encodeLzw): Uint8Array {
  const output = new Uint8Array(input.length + 16);
  const written = decodeLzw(encode(input), output);
  return output.subarray(0, written);
}

describe('TIFF LZW codec', () => {
  it('round-trips empty, tiny, repetitive and random data', () => {
    expect(roundTrip(new Uint8Array(0)).length).toBe(0);
    expect(Array.from(roundTrip(Uint8Array.of(7)))).toEqual([7]);
    const runs = new Uint8Array(100_000).fill(42); // KwKwK codes all the way
    expect(Buffer.compare(roundTrip(runs), runs)).toBe(0);
    const random = randomBytes(300_000, 1); // many table resets
    expect(Buffer.compare(roundTrip(random), random)).toBe(0);
  });

  it('round-trips lengths across each code-width switch and table reset, ending with an EOI code', () => {
    // With one code per byte, the width grows after codes 254, 766 and 1790 and the table resets
    // after 3836; check every length around those, and random data at many lengths.
    const pairs = distinctPairs(4200);
    const boundaries = [1, 254, 766, 1790, 3836, 4094];
    const lengths = new Set<number>();
    for (const boundary of boundaries) for (let d = -4; d <= 4; d++) if (boundary + d > 0) lengths.add(boundary + d);
    for (let length = 1; length <= 4200; length += 29) lengths.add(length);
    for (const length of lengths) {
      for (const input of [randomBytes(length, length), pairs.subarray(0, length)]) {
        const output = roundTrip(input);
        if (Buffer.compare(output, input) !== 0) throw new Error(`LZW round trip failed at length ${length}`);
      }
    }
  });

  it('writes codes that geotiff decodes at the 9/10/11/12-bit switches and at the table reset', async () => {
    // One code per byte: the width grows after codes 254, 766 and 1790; the table resets after 3836.
    const lengths = [252, 253, 254, 255, 256, 764, 765, 766, 767, 768, 1788, 1789, 1790, 1791, 1792, 3834, 3835, 3836, 3837, 3838, 5000];
    const all = distinctPairs(5000);
    const pairs = new Set<number>();
    for (let i = 1; i < all.length; i++) pairs.add((all[i - 1]! << 8) | all[i]!);
    expect(pairs.size).toBe(all.length - 1);
    for (const length of lengths) {
      const data = all.subarray(0, length);
      const bytes = writeTiff({ width: length, height: 1, depth: 1, dtype: 'uint8', data }, { compression: 'lzw' });
      const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      const [raster] = (await (await tiff.getImage(0)).readRasters()) as unknown as [Uint8Array];
      expect(Buffer.compare(Buffer.from(raster), data), `length ${length}`).toBe(0);
    }
  });

  it('compresses repetitive data', () => {
    expect(encodeLzw(new Uint8Array(65536)).length).toBeLessThan(1000);
  });

  it('decodes old-style (LSB-first, no early change) LZW written by libtiff before 1991', () => {
    for (const input of [randomBytes(5000, 7), new Uint8Array(20_000).fill(3), randomBytes(70_000, 8)]) {
      const encoded = encodeLzwOldStyle(input);
      expect(encoded[0]).toBe(0); // how the old dialect is recognised
      expect(encoded[1]! & 1).toBe(1);
      expect(Buffer.compare(roundTrip(input, encodeLzwOldStyle), input)).toBe(0);
    }
  });

  it('stops at the end of the output and at the end of the input', () => {
    const input = randomBytes(1000, 3);
    const encoded = encodeLzw(input);
    const short = new Uint8Array(10);
    expect(decodeLzw(encoded, short)).toBe(10);
    expect(Array.from(short)).toEqual(Array.from(input.subarray(0, 10)));
    const partial = new Uint8Array(1000);
    const written = decodeLzw(encoded.subarray(0, 300), partial);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(1000);
  });

  it('throws on codes that are not defined yet', () => {
    // Clear (256), literal 65, then code 300 (undefined), MSB-first 9-bit codes.
    const bits = [256, 65, 300].map((code) => code.toString(2).padStart(9, '0')).join('').padEnd(32, '0');
    const data = Uint8Array.from({ length: 4 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
    expect(() => decodeLzw(data, new Uint8Array(10))).toThrow(/code 300 is not defined/);
  });
});
