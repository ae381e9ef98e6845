/** One IFD entry of a crafted TIFF: any field type, values as numbers (RATIONAL: pairs). */
export interface CraftEntry {
  tag: number;
  type: number;
  values: readonly number[];
  /** Write this count instead of the number of values (a lying count). */
  count?: number;
}

export interface CraftPage {
  entries: CraftEntry[];
  /** Strip or tile data; their offsets and byte counts are filled in (tags 273/279 or 324/325). */
  chunks: Uint8Array[];
  tiled?: boolean;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/**
 * Builds a TIFF or BigTIFF from raw entries, with nothing checked: the fuzz campaign's seeds for
 * layouts writeTiff never makes (tiles, big-endian, BigTIFF, odd bit depths, unknown tags).
 */
export function craftTiff(pages: CraftPage[], options: { littleEndian?: boolean; bigTiff?: boolean } = {}): Uint8Array {
  const le = options.littleEndian ?? true;
  const big = options.bigTiff ?? false;
  const parts: Uint8Array[] = [];
  let size = big ? 16 : 8;
  const place = (bytes: Uint8Array): number => {
    const at = size;
    parts.push(bytes);
    size += bytes.length;
    if (size & 1) {
      parts.push(new Uint8Array(1));
      size++;
    }
    return at;
  };
  const ifdOffsets: number[] = [];
  const ifdPatches: { view: DataView; at: number }[] = [];
  for (const page of pages) {
    const offsets = page.chunks.map((chunk) => place(chunk));
    const offsetType = big ? 16 : 4;
    const entries = [
      ...page.entries,
      { tag: page.tiled ? 324 : 273, type: offsetType, values: offsets },
      { tag: page.tiled ? 325 : 279, type: offsetType, values: page.chunks.map((chunk) => chunk.length) },
    ].sort((a, b) => a.tag - b.tag);
    const entrySize = big ? 20 : 12;
    const inline = big ? 8 : 4;
    const head = (big ? 8 : 2) + entries.length * entrySize + (big ? 8 : 4);
    const valueBytes = entries.map((entry) => encodeValues(entry, le));
    let external = head;
    for (const bytes of valueBytes) if (bytes.length > inline) external += bytes.length + (bytes.length & 1);
    const ifd = new Uint8Array(external);
    const view = new DataView(ifd.buffer);
    const ifdAt = size;
    let valueAt = head;
    if (big) view.setBigUint64(0, BigInt(entries.length), le);
    else view.setUint16(0, entries.length, le);
    entries.forEach((entry, i) => {
      const at = (big ? 8 : 2) + i * entrySize;
      const count = (entry as CraftEntry).count ?? (entry.type === 5 || entry.type === 10 ? entry.values.length / 2 : entry.values.length);
      view.setUint16(at, entry.tag, le);
      view.setUint16(at + 2, entry.type, le);
      if (big) view.setBigUint64(at + 4, BigInt(count), le);
      else view.setUint32(at + 4, count >>> 0, le);
      const bytes = valueBytes[i]!;
      const field = at + (big ? 12 : 8);
      if (bytes.length <= inline) ifd.set(bytes, field);
      else {
        if (big) view.setBigUint64(field, BigInt(ifdAt + valueAt), le);
        else view.setUint32(field, ifdAt + valueAt, le);
        ifd.set(bytes, valueAt);
        valueAt += bytes.length + (bytes.length & 1);
      }
    });
    ifdOffsets.push(place(ifd));
    ifdPatches.push({ view, at: (big ? 8 : 2) + entries.length * entrySize });
  }
  ifdPatches.forEach(({ view, at }, i) => {
    const next = ifdOffsets[i + 1] ?? 0;
    if (big) view.setBigUint64(at, BigInt(next), le);
    else view.setUint32(at, next, le);
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = out[1] = le ? 0x49 : 0x4d;
  view.setUint16(2, big ? 43 : 42, le);
  if (big) {
    view.setUint16(4, 8, le);
    view.setBigUint64(8, BigInt(ifdOffsets[0] ?? 0), le);
  } else view.setUint32(4, ifdOffsets[0] ?? 0, le);
  let at = big ? 16 : 8;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function encodeValues(entry: CraftEntry, le: boolean): Uint8Array {
  const size = TYPE_SIZE[entry.type] ?? 1;
  const pairs = entry.type === 5 || entry.type === 10;
  const n = pairs ? entry.values.length / 2 : entry.values.length;
  const bytes = new Uint8Array(n * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const v = entry.values[i]!;
    const at = i * size;
    switch (entry.type) {
      case 1: case 2: case 7: view.setUint8(at, v); break;
      case 6: view.setInt8(at, v); break;
      case 3: view.setUint16(at, v, le); break;
      case 8: view.setInt16(at, v, le); break;
      case 4: case 13: view.setUint32(at, v >>> 0, le); break;
      case 9: view.setInt32(at, v, le); break;
      case 5: case 10:
        view.setUint32(at, entry.values[2 * i]! >>> 0, le);
        view.setUint32(at + 4, entry.values[2 * i + 1]! >>> 0, le);
        break;
      case 11: view.setFloat32(at, v, le); break;
      case 12: view.setFloat64(at, v, le); break;
      case 16: case 18: view.setBigUint64(at, BigInt(v), le); break;
      case 17: view.setBigInt64(at, BigInt(v), le); break;
    }
  }
  return bytes;
}

/** The usual tags of a one-strip grey page. */
export function greyEntries(width: number, height: number, bits: number, extra: CraftEntry[] = [], compression = 1, sampleFormat = 1): CraftEntry[] {
  return [
    { tag: 256, type: 4, values: [width] },
    { tag: 257, type: 4, values: [height] },
    { tag: 258, type: 3, values: [bits] },
    { tag: 259, type: 3, values: [compression] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [1] },
    { tag: 278, type: 4, values: [height] },
    { tag: 339, type: 3, values: [sampleFormat] },
    ...extra,
  ];
}
