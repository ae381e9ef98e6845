/**
 * Test support: assembles TIFF files byte by byte, independently of writeTiff, so that tests can
 * produce what other writers produce (big-endian, BigTIFF, tiles, odd tags, broken files).
 */

export interface BuildEntry {
  tag: number;
  /** TIFF field type: 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 8 SSHORT, 11 FLOAT, 12 DOUBLE, 16 LONG8. */
  type: number;
  /** Numbers (RATIONAL as numerator, denominator pairs) or a string for ASCII (written as UTF-8). */
  values: readonly number[] | string;
}

export interface BuildPage {
  entries: BuildEntry[];
  /** Strip or tile data, in order; offsets and byte counts tags are added for them. */
  chunks: Uint8Array[];
  tiled?: boolean;
  /** Overrides the byte counts written (to describe data that is not there). */
  byteCounts?: number[];
  /** Leaves out StripByteCounts, as some old writers did for uncompressed data. */
  omitByteCounts?: boolean;
  /** Overrides the chunk offsets written. */
  offsets?: number[];
}

export interface BuildOptions {
  littleEndian?: boolean;
  bigTiff?: boolean;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8 };

export function buildTiff(pages: BuildPage[], options: BuildOptions = {}): Uint8Array {
  const le = options.littleEndian ?? true;
  const big = options.bigTiff ?? false;
  const chunks: Uint8Array[] = pages.flatMap((page) => page.chunks);
  const header = big ? 16 : 8;
  let size = header + chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  size += size & 1;
  const buffer = new Uint8Array(size + pages.length * 65536 + 1_000_000);
  const view = new DataView(buffer.buffer);
  buffer.set(le ? [0x49, 0x49] : [0x4d, 0x4d], 0);
  view.setUint16(2, big ? 43 : 42, le);
  if (big) {
    view.setUint16(4, 8, le);
    view.setUint16(6, 0, le);
  }
  let at = header;
  const chunkOffsets: number[][] = [];
  for (const page of pages) {
    const offsets: number[] = [];
    for (const chunk of page.chunks) {
      offsets.push(at);
      buffer.set(chunk, at);
      at += chunk.length;
    }
    chunkOffsets.push(offsets);
  }
  at += at & 1;
  let previousNextPointer = big ? 8 : 4;
  const setOffset = (where: number, value: number) => (big ? view.setBigUint64(where, BigInt(value), le) : view.setUint32(where, value, le));
  pages.forEach((page, p) => {
    const offsetType = big ? 16 : 4;
    const entries = [
      ...page.entries,
      { tag: page.tiled ? 324 : 273, type: offsetType, values: page.offsets ?? chunkOffsets[p]! },
      ...(page.omitByteCounts ? [] : [{ tag: page.tiled ? 325 : 279, type: offsetType, values: page.byteCounts ?? page.chunks.map((chunk) => chunk.length) }]),
    ].sort((a, b) => a.tag - b.tag);
    setOffset(previousNextPointer, at);
    const ifd = at;
    const entrySize = big ? 20 : 12;
    const countSize = big ? 8 : 2;
    if (big) view.setBigUint64(ifd, BigInt(entries.length), le);
    else view.setUint16(ifd, entries.length, le);
    let external = ifd + countSize + entries.length * entrySize + (big ? 8 : 4);
    entries.forEach((entry, i) => {
      const e = ifd + countSize + i * entrySize;
      const values = typeof entry.values === 'string' ? [...Buffer.from(`${entry.values}\0`, 'utf8')] : [...entry.values];
      const count = entry.type === 5 ? values.length / 2 : values.length;
      view.setUint16(e, entry.tag, le);
      view.setUint16(e + 2, entry.type, le);
      if (big) view.setBigUint64(e + 4, BigInt(count), le);
      else view.setUint32(e + 4, count, le);
      const bytes = count * TYPE_SIZE[entry.type]!;
      let valueAt = e + (big ? 12 : 8);
      if (bytes > (big ? 8 : 4)) {
        setOffset(valueAt, external);
        valueAt = external;
        external += bytes + (bytes & 1);
      }
      const size = entry.type === 5 ? 4 : TYPE_SIZE[entry.type]!;
      values.forEach((value, j) => writeValue(view, valueAt + j * size, entry.type, value, le));
    });
    previousNextPointer = ifd + countSize + entries.length * entrySize;
    setOffset(previousNextPointer, 0);
    at = external + (external & 1);
  });
  return buffer.slice(0, at);
}

function writeValue(view: DataView, at: number, type: number, value: number, le: boolean): void {
  switch (type) {
    case 1:
    case 2:
    case 7:
      view.setUint8(at, value);
      break;
    case 3:
      view.setUint16(at, value, le);
      break;
    case 8:
      view.setInt16(at, value, le);
      break;
    case 4:
    case 5:
      view.setUint32(at, value, le);
      break;
    case 11:
      view.setFloat32(at, value, le);
      break;
    case 12:
      view.setFloat64(at, value, le);
      break;
    case 16:
      view.setBigUint64(at, BigInt(value), le);
      break;
    default:
      throw new Error(`buildTiff: cannot write field type ${type}`);
  }
}

/** The basic tags of a grey page; add or override with `extra` (same tag replaces). */
export function grayPageEntries(width: number, height: number, bits: number, extra: BuildEntry[] = []): BuildEntry[] {
  const base: BuildEntry[] = [
    { tag: 256, type: 4, values: [width] },
    { tag: 257, type: 4, values: [height] },
    { tag: 258, type: 3, values: [bits] },
    { tag: 259, type: 3, values: [1] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [1] },
    { tag: 278, type: 4, values: [height] },
  ];
  const tags = new Set(extra.map((entry) => entry.tag));
  return [...base.filter((entry) => !tags.has(entry.tag)), ...extra];
}

export type SampleEncoding = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f16' | 'f32' | 'f64';

/** Sample values as bytes in the given byte order. */
export function sampleBytes(values: ArrayLike<number>, encoding: SampleEncoding, littleEndian: boolean): Uint8Array {
  const size = { u8: 1, i8: 1, u16: 2, i16: 2, f16: 2, u32: 4, i32: 4, f32: 4, f64: 8 }[encoding];
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const at = i * size;
    if (encoding === 'u8') view.setUint8(at, v);
    else if (encoding === 'i8') view.setInt8(at, v);
    else if (encoding === 'u16') view.setUint16(at, v, littleEndian);
    else if (encoding === 'i16') view.setInt16(at, v, littleEndian);
    else if (encoding === 'f16') view.setUint16(at, v, littleEndian); // raw half-float bits
    else if (encoding === 'u32') view.setUint32(at, v, littleEndian);
    else if (encoding === 'i32') view.setInt32(at, v, littleEndian);
    else if (encoding === 'f32') view.setFloat32(at, v, littleEndian);
    else view.setFloat64(at, v, littleEndian);
  }
  return bytes;
}

/** PackBits encoding (literal runs and repeats), as Photoshop and libtiff write it. */
export function encodePackBits(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < input.length) {
    let run = 1;
    while (i + run < input.length && run < 128 && input[i + run] === input[i]) run++;
    if (run >= 2) {
      out.push(257 - run, input[i]!);
      i += run;
      continue;
    }
    let literal = 1;
    while (i + literal < input.length && literal < 128 && !(i + literal + 1 < input.length && input[i + literal] === input[i + literal + 1])) literal++;
    out.push(literal - 1, ...input.subarray(i, i + literal));
    i += literal;
  }
  return Uint8Array.from(out);
}

/**
 * Old-style LZW as libtiff wrote it before 1991: codes least-significant-bit first and widened
 * without early change. A straightforward Map-based encoder, independent of encodeLzw.
 */
export function encodeLzwOldStyle(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  let width = 9;
  const put = (code: number) => {
    buffer |= code << bits;
    bits += width;
    while (bits >= 8) {
      out.push(buffer & 0xff);
      buffer >>>= 8;
      bits -= 8;
    }
  };
  let table = new Map<string, number>();
  let next = 258;
  put(256);
  let w = '';
  const bump = () => {
    next++;
    if (next === 4094) {
      put(256);
      table = new Map();
      next = 258;
      width = 9;
    } else if (next > 1 << width) width++;
  };
  for (const byte of input) {
    const wk = w === '' ? String.fromCharCode(byte) : w + String.fromCharCode(byte);
    if (wk.length === 1 || table.has(wk)) {
      w = wk;
      continue;
    }
    put(w.length === 1 ? w.charCodeAt(0) : table.get(w)!);
    table.set(wk, next);
    bump();
    w = String.fromCharCode(byte);
  }
  if (w !== '') {
    put(w.length === 1 ? w.charCodeAt(0) : table.get(w)!);
    bump();
  }
  put(257);
  if (bits > 0) out.push(buffer & 0xff);
  return Uint8Array.from(out);
}
