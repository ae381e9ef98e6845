import zlib from 'node:zlib';

/**
 * Test support: encodes PNGs of every colour type and bit depth, independently of pngjs.
 * `samples` are per pixel in PNG order (grey; grey, alpha; R, G, B; palette index; R, G, B, A).
 */
export function buildPng(options: { width: number; height: number; colorType: 0 | 2 | 3 | 4 | 6; bitDepth: 1 | 2 | 4 | 8 | 16; samples: ArrayLike<number>; palette?: [number, number, number][] }): Uint8Array {
  const { width, height, colorType, bitDepth, samples } = options;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8);
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1) + 1; // filter byte 0 (none)
    for (let i = 0; i < width * channels; i++) {
      const value = samples[y * width * channels + i]!;
      if (bitDepth === 16) {
        raw[row + i * 2] = value >> 8;
        raw[row + i * 2 + 1] = value & 0xff;
      } else if (bitDepth === 8) {
        raw[row + i] = value;
      } else {
        const bit = i * bitDepth;
        raw[row + (bit >> 3)]! |= value << (8 - bitDepth - (bit & 7));
      }
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([bitDepth, colorType, 0, 0, 0], 8);
  const chunks = [chunk('IHDR', header)];
  if (options.palette) chunks.push(chunk('PLTE', Uint8Array.from(options.palette.flat())));
  chunks.push(chunk('IDAT', zlib.deflateSync(raw)));
  return pngFile(chunks);
}

/** A PNG file of these chunks (the signature before them, IEND after). */
export function pngFile(chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), ...chunks, chunk('IEND', new Uint8Array(0))]);
}

/** One PNG chunk: length, type, data and its CRC. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, zlib.crc32(out.subarray(4, 8 + data.length)));
  return out;
}
