import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readTiff } from './readTiff.js';
import type { BuildEntry, SampleEncoding } from './testing/buildTiff.js';
import { buildTiff, encodeLzwOldStyle, encodePackBits, grayPageEntries, sampleBytes } from './testing/buildTiff.js';
import { encodeLzw } from './tiff/encodeLzw.js';

const W = 5;
const H = 3;
/** 15 values that exercise every bit of 8-bit samples. */
const GRAY8 = [0, 1, 2, 127, 128, 129, 200, 254, 255, 17, 34, 51, 68, 85, 102];
const GRAY16 = GRAY8.map((v, i) => Math.min(65535, v * 257 + i));

/** A one-page TIFF of W × H samples with the given encoding and extra tags. */
function onePage(values: ArrayLike<number>, encoding: SampleEncoding, bits: number, extra: BuildEntry[] = [], littleEndian = true): Uint8Array {
  return buildTiff([{ entries: grayPageEntries(W, H, bits, extra), chunks: [sampleBytes(values, encoding, littleEndian)] }], { littleEndian });
}

/** Horizontal differencing of W-wide rows of `samplesPerPixel`-interleaved values, wrapping at `modulo`. */
function difference(values: number[], samplesPerPixel: number, modulo: number): number[] {
  const out = values.slice();
  const row = W * samplesPerPixel;
  for (let i = 0; i < out.length; i++) if (i % row >= samplesPerPixel) out[i] = (((values[i]! - values[i - samplesPerPixel]!) % modulo) + modulo) % modulo;
  return out;
}

describe('readTiff: sample types and byte orders', () => {
  for (const littleEndian of [true, false]) {
    const order = littleEndian ? 'little' : 'big';
    it(`reads 8-bit and 16-bit unsigned, ${order}-endian`, () => {
      const eight = readTiff(onePage(GRAY8, 'u8', 8, [], littleEndian), 'a.tif');
      expect([eight.width, eight.height, eight.depth, eight.dtype]).toEqual([W, H, 1, 'uint8']);
      expect(Array.from(eight.data)).toEqual(GRAY8);
      const sixteen = readTiff(onePage(GRAY16, 'u16', 16, [], littleEndian), 'b.tif');
      expect(sixteen.dtype).toBe('uint16');
      expect(sixteen.data).toBeInstanceOf(Uint16Array);
      expect(Array.from(sixteen.data)).toEqual(GRAY16);
      expect(sixteen.format).toBe('TIFF (uncompressed, 16-bit)');
    });

    it(`reads 32-bit unsigned samples (segment ids) exactly as uint32, ${order}-endian`, () => {
      const ids = [0, 1, 65536, 16777217, 4294967295, ...GRAY8.slice(5).map((v) => v * 16777259)];
      const volume = readTiff(onePage(ids, 'u32', 32, [{ tag: 339, type: 3, values: [1] }], littleEndian), 'ids.tif');
      expect(volume.dtype).toBe('uint32');
      expect(volume.data).toBeInstanceOf(Uint32Array);
      expect(Array.from(volume.data)).toEqual(Array.from(Uint32Array.from(ids)));
      expect(volume.format).toBe('TIFF (uncompressed, 32-bit unsigned)');
      const differenced = difference(Array.from(Uint32Array.from(ids)), 1, 2 ** 32);
      const compressed = readTiff(
        buildTiff([{ entries: grayPageEntries(W, H, 32, [{ tag: 259, type: 3, values: [8] }, { tag: 317, type: 3, values: [2] }]), chunks: [zlib.deflateSync(sampleBytes(differenced, 'u32', littleEndian))] }], { littleEndian }),
        'ids-deflate.tif',
      );
      expect(Array.from(compressed.data)).toEqual(Array.from(Uint32Array.from(ids)));
    });

    it(`converts signed, float and 64-bit samples to float32, ${order}-endian`, () => {
      const cases: [SampleEncoding, number, number, number[], string][] = [
        ['i16', 16, 2, [-32768, -1, 0, 1, 32767, ...GRAY8.slice(5)], 'signed 16-bit as 32-bit float'],
        ['i8', 8, 2, [-128, -1, 0, 1, 127, ...GRAY8.slice(5).map((v) => v - 128)], 'signed 8-bit as 32-bit float'],
        ['i32', 32, 2, [-2147483648, -5, 0, 5, 16777216, ...GRAY8.slice(5)], 'signed 32-bit as 32-bit float'],
        ['f32', 32, 3, [-1.5, 0, 0.25, 3.4e38, -1e-30, ...GRAY8.slice(5)], '32-bit float'],
        ['f64', 64, 3, [-1.5, 0, 0.25, 1e30, -2.5e-3, ...GRAY8.slice(5)], '64-bit float as 32-bit float'],
      ];
      for (const [encoding, bits, format, values, described] of cases) {
        const volume = readTiff(onePage(values, encoding, bits, [{ tag: 339, type: 3, values: [format] }], littleEndian), `${encoding}.tif`);
        expect(volume.dtype, encoding).toBe('float32');
        expect(Array.from(volume.data), encoding).toEqual(Array.from(Float32Array.from(values)));
        expect(volume.format, encoding).toBe(`TIFF (uncompressed, ${described})`);
      }
    });
  }

  it('decodes 16-bit half floats', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x3555 ≈ 0.33325, 0x0001 = smallest subnormal, 0x7c00 = Infinity
    const halves = [0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00, ...new Array<number>(10).fill(0)];
    const volume = readTiff(onePage(halves, 'f16', 16, [{ tag: 339, type: 3, values: [3] }]), 'h.tif');
    expect(volume.dtype).toBe('float32');
    expect(Array.from(volume.data.subarray(0, 5))).toEqual([1, -2, Math.fround(0.333251953125), Math.fround(2 ** -24), Infinity]);
  });

  it('expands 1-bit and 4-bit images to 8-bit 0..255', () => {
    // 5 pixels per row -> 1 byte per row at 1 bit; rows: 10110, 01001, 11111
    const oneBit = buildTiff([{ entries: grayPageEntries(W, H, 1), chunks: [Uint8Array.of(0b10110000, 0b01001000, 0b11111000)] }]);
    const volume = readTiff(oneBit, 'mask.tif');
    expect(volume.dtype).toBe('uint8');
    expect(Array.from(volume.data)).toEqual([1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1].map((b) => b * 255));
    expect(volume.format).toBe('TIFF (uncompressed, 1-bit as 8-bit)');
    // 4-bit: 3 bytes per row (last nibble padding)
    const nibbles = Uint8Array.of(0x0f, 0x18, 0x00, 0xff, 0xff, 0xf0, 0x12, 0x34, 0x50);
    const four = readTiff(buildTiff([{ entries: grayPageEntries(W, H, 4), chunks: [nibbles] }]), 'n.tif');
    expect(Array.from(four.data)).toEqual([0, 15, 1, 8, 0, 15, 15, 15, 15, 15, 1, 2, 3, 4, 5].map((v) => v * 17));
  });

  it('inverts WhiteIsZero images', () => {
    const eight = readTiff(onePage(GRAY8, 'u8', 8, [{ tag: 262, type: 3, values: [0] }]), 'w.tif');
    expect(Array.from(eight.data)).toEqual(GRAY8.map((v) => 255 - v));
    expect(eight.format).toBe('TIFF (uncompressed, 8-bit, WhiteIsZero inverted)');
    const sixteen = readTiff(onePage(GRAY16, 'u16', 16, [{ tag: 262, type: 3, values: [0] }], false), 'w16.tif');
    expect(Array.from(sixteen.data)).toEqual(GRAY16.map((v) => 65535 - v));
    const bits = readTiff(buildTiff([{ entries: grayPageEntries(W, 1, 1, [{ tag: 262, type: 3, values: [0] }]), chunks: [Uint8Array.of(0b10100000)] }]), 'w1.tif');
    expect(Array.from(bits.data)).toEqual([0, 255, 0, 255, 255]);
  });
});

describe('readTiff: colour', () => {
  const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 10, 10];
  const luma = (r: number, g: number, b: number) => Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  const colourEntries = (samples: number, extra: BuildEntry[] = []): BuildEntry[] =>
    grayPageEntries(W, 1, 8, [{ tag: 258, type: 3, values: new Array<number>(samples).fill(8) }, { tag: 262, type: 3, values: [2] }, { tag: 277, type: 3, values: [samples] }, ...extra]);

  it('converts chunky RGB and RGBA to luminance and says so', () => {
    const volume = readTiff(buildTiff([{ entries: colourEntries(3), chunks: [Uint8Array.from(rgb)] }]), 'rgb.tif');
    expect(volume.dtype).toBe('uint8');
    expect(Array.from(volume.data)).toEqual([luma(255, 0, 0), luma(0, 255, 0), luma(0, 0, 255), 255, 10]);
    expect(volume.format).toBe('TIFF (uncompressed, RGB 8-bit as 8-bit grayscale)');
    const rgba = rgb.flatMap((v, i) => (i % 3 === 2 ? [v, 128] : [v]));
    const withAlpha = readTiff(buildTiff([{ entries: colourEntries(4, [{ tag: 338, type: 3, values: [2] }]), chunks: [Uint8Array.from(rgba)] }]), 'rgba.tif');
    expect(Array.from(withAlpha.data)).toEqual(Array.from(volume.data));
  });

  it('reads planar RGB (one strip per colour)', () => {
    const planes = [0, 1, 2].map((c) => Uint8Array.from(rgb.filter((_, i) => i % 3 === c)));
    const volume = readTiff(buildTiff([{ entries: colourEntries(3, [{ tag: 284, type: 3, values: [2] }]), chunks: planes }]), 'planar.tif');
    expect(Array.from(volume.data)).toEqual([luma(255, 0, 0), luma(0, 255, 0), luma(0, 0, 255), 255, 10]);
  });

  it('reads palette images as the grey value of each colour', () => {
    const colorMap = new Array<number>(3 * 256).fill(0);
    colorMap[1] = 65535; // index 1: red
    colorMap[256 + 2] = 65535; // index 2: green
    for (const c of [0, 1, 2]) colorMap[c * 256 + 3] = 257 * 100; // index 3: grey 100
    const entries = grayPageEntries(W, 1, 8, [{ tag: 262, type: 3, values: [3] }, { tag: 320, type: 3, values: colorMap }]);
    const volume = readTiff(buildTiff([{ entries, chunks: [Uint8Array.of(0, 1, 2, 3, 3)] }]), 'palette.tif');
    expect(Array.from(volume.data)).toEqual([0, luma(255, 0, 0), luma(0, 255, 0), 100, 100]);
    expect(volume.format).toContain('palette');
  });

  it('takes the first sample of grey + alpha', () => {
    const entries = grayPageEntries(W, 1, 8, [{ tag: 258, type: 3, values: [8, 8] }, { tag: 277, type: 3, values: [2] }, { tag: 338, type: 3, values: [2] }]);
    const volume = readTiff(buildTiff([{ entries, chunks: [Uint8Array.of(1, 255, 2, 0, 3, 9, 4, 9, 5, 9)] }]), 'ga.tif');
    expect(Array.from(volume.data)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('readTiff: compression, predictors, strips and tiles', () => {
  it('reads LZW, Deflate (8 and 32946), PackBits and old-style LZW', () => {
    const raw = Uint8Array.from(GRAY8);
    const cases: [number, Uint8Array, string][] = [
      [5, encodeLzw(raw), 'LZW'],
      [5, encodeLzwOldStyle(raw), 'LZW'],
      [8, zlib.deflateSync(raw), 'Deflate'],
      [32946, zlib.deflateSync(raw), 'Deflate'],
      [32773, encodePackBits(raw), 'PackBits'],
    ];
    for (const [compression, chunk, name] of cases) {
      const volume = readTiff(buildTiff([{ entries: grayPageEntries(W, H, 8, [{ tag: 259, type: 3, values: [compression] }]), chunks: [chunk] }]), 'c.tif');
      expect(Array.from(volume.data), name).toEqual(GRAY8);
      expect(volume.format).toBe(`TIFF (${name}, 8-bit)`);
    }
  });

  const zstd = zlib as unknown as { zstdCompressSync?: (data: Uint8Array) => Buffer };
  it.runIf(zstd.zstdCompressSync)('reads Zstandard (50000) where Node has it (22.15+, Electron)', () => {
    const chunk = zstd.zstdCompressSync!(Uint8Array.from(GRAY8));
    const volume = readTiff(buildTiff([{ entries: grayPageEntries(W, H, 8, [{ tag: 259, type: 3, values: [50000] }]), chunks: [chunk] }]), 'z.tif');
    expect(Array.from(volume.data)).toEqual(GRAY8);
    expect(volume.format).toBe('TIFF (Zstandard, 8-bit)');
  });

  it.skipIf(zstd.zstdCompressSync)('reports Zstandard as UNSUPPORTED where Node lacks it', () => {
    const file = buildTiff([{ entries: grayPageEntries(W, H, 8, [{ tag: 259, type: 3, values: [50000] }]), chunks: [new Uint8Array(4)] }]);
    expect(() => readTiff(file, 'z.tif')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringContaining('Zstandard compression (TIFF compression 50000)') }));
  });

  it('undoes horizontal differencing for 8-bit, 16-bit big-endian and RGB', () => {
    const lzw = (values: number[], encoding: SampleEncoding, le: boolean) => encodeLzw(sampleBytes(values, encoding, le));
    const predictor = { tag: 317, type: 3, values: [2] };
    const compression = { tag: 259, type: 3, values: [5] };
    const eight = buildTiff([{ entries: grayPageEntries(W, H, 8, [compression, predictor]), chunks: [lzw(difference(GRAY8, 1, 256), 'u8', true)] }]);
    expect(Array.from(readTiff(eight, 'p8.tif').data)).toEqual(GRAY8);
    const sixteen = buildTiff([{ entries: grayPageEntries(W, H, 16, [compression, predictor]), chunks: [lzw(difference(GRAY16, 1, 65536), 'u16', false)] }], { littleEndian: false });
    expect(Array.from(readTiff(sixteen, 'p16.tif').data)).toEqual(GRAY16);
    const rgb = Array.from({ length: W * H * 3 }, (_, i) => (i * 53) & 0xff);
    const entries = grayPageEntries(W, H, 8, [compression, predictor, { tag: 258, type: 3, values: [8, 8, 8] }, { tag: 262, type: 3, values: [2] }, { tag: 277, type: 3, values: [3] }]);
    const colour = readTiff(buildTiff([{ entries, chunks: [lzw(difference(rgb, 3, 256), 'u8', true)] }]), 'prgb.tif');
    const plain = readTiff(buildTiff([{ entries: entries.filter((e) => e.tag !== 317 && e.tag !== 259), chunks: [Uint8Array.from(rgb)] }]), 'rgb.tif');
    expect(Array.from(colour.data)).toEqual(Array.from(plain.data));
  });

  it('undoes the floating point predictor in big-endian files', () => {
    const values = [1.5, -2.25, 1e-7, 3e8, 0, ...GRAY8.slice(5).map((v) => v / 7)];
    // Encoder side, by the Adobe technical note: byte planes (MSB first), then byte differences.
    const bytes = sampleBytes(values, 'f32', false);
    const shuffled = new Uint8Array(bytes.length);
    for (let row = 0; row < H; row++) {
      for (let s = 0; s < W; s++) for (let b = 0; b < 4; b++) shuffled[row * W * 4 + b * W + s] = bytes[(row * W + s) * 4 + b]!;
      for (let i = W * 4 - 1; i > 0; i--) shuffled[row * W * 4 + i] = (shuffled[row * W * 4 + i]! - shuffled[row * W * 4 + i - 1]!) & 0xff;
    }
    const extra = [{ tag: 259, type: 3, values: [8] }, { tag: 317, type: 3, values: [3] }, { tag: 339, type: 3, values: [3] }];
    const volume = readTiff(buildTiff([{ entries: grayPageEntries(W, H, 32, extra), chunks: [zlib.deflateSync(shuffled)] }], { littleEndian: false }), 'fp.tif');
    expect(Array.from(volume.data)).toEqual(Array.from(Float32Array.from(values)));
  });

  it('reads several strips per page and pages without StripByteCounts', () => {
    const rows = [Uint8Array.from(GRAY8.slice(0, 10)), Uint8Array.from(GRAY8.slice(10))];
    const entries = grayPageEntries(W, H, 8, [{ tag: 278, type: 3, values: [2] }]);
    expect(Array.from(readTiff(buildTiff([{ entries, chunks: rows }]), 's.tif').data)).toEqual(GRAY8);
    expect(Array.from(readTiff(buildTiff([{ entries, chunks: rows, omitByteCounts: true }]), 'old.tif').data)).toEqual(GRAY8);
  });

  it('reads tiles, with edge tiles padded, in both byte orders and with LZW', () => {
    const [width, height, tile] = [37, 21, 16];
    const image = Array.from({ length: width * height }, (_, i) => (i * 7919) % 65536);
    for (const littleEndian of [true, false]) {
      const chunks: Uint8Array[] = [];
      for (let ty = 0; ty < height; ty += tile) {
        for (let tx = 0; tx < width; tx += tile) {
          const values = new Array<number>(tile * tile).fill(0xdead); // padding must be ignored
          for (let y = 0; y < tile; y++) for (let x = 0; x < tile; x++) if (tx + x < width && ty + y < height) values[y * tile + x] = image[(ty + y) * width + tx + x]!;
          chunks.push(encodeLzw(sampleBytes(values, 'u16', littleEndian)));
        }
      }
      const entries = grayPageEntries(width, height, 16, [{ tag: 259, type: 3, values: [5] }, { tag: 322, type: 3, values: [tile] }, { tag: 323, type: 3, values: [tile] }]).filter((e) => e.tag !== 278);
      const volume = readTiff(buildTiff([{ entries, chunks, tiled: true }], { littleEndian }), 'tiles.tif');
      expect([volume.width, volume.height]).toEqual([width, height]);
      expect(Array.from(volume.data)).toEqual(image);
    }
  });
});
