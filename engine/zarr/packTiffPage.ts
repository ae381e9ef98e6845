import { FIELD_TYPE_SIZE, Tag } from '../io/tiff/tiffTags.js';

/** One IFD entry as found in the file: its values' bytes in the file's byte order. */
export interface RawEntry {
  tag: number;
  type: number;
  count: number;
  bytes: Uint8Array;
}

/** One IFD with its strip or tile locations taken out of the entries. */
export interface RawIfd {
  index: number;
  tiled: boolean;
  /** Every entry except the strip/tile offsets and byte counts. */
  entries: RawEntry[];
  dataOffsets: number[];
  dataCounts: number[];
}

/** BigTIFF's 8-byte types and the classic 4-byte types that hold the same values. */
const NARROWER: Record<number, number> = { 16: 4, 17: 9, 18: 13 };

/**
 * Builds a classic TIFF of one page: a header, the IFD with its values, then the page's strips
 * or tiles back to back (`data`, in the order of `dataOffsets`). The file's byte order is kept,
 * so values are copied as they are; BigTIFF's 8-byte values become 4-byte ones (a single page
 * is far below 4 GiB). Without `data` the offsets stay as they were: metadata only.
 */
export function packTiffPage(raw: RawIfd, littleEndian: boolean, data: Uint8Array | undefined): Uint8Array {
  const entries = raw.entries.flatMap((entry) => narrow(entry, littleEndian));
  const offsetsTag = raw.tiled ? Tag.TileOffsets : Tag.StripOffsets;
  const countsTag = raw.tiled ? Tag.TileByteCounts : Tag.StripByteCounts;
  const countsEntry = longs(countsTag, raw.dataCounts, littleEndian);
  // The offsets depend on where the data starts, which depends on the IFD's size: same size either way.
  const placeholder = longs(offsetsTag, raw.dataOffsets.map(() => 0), littleEndian);
  const all = [...entries, placeholder, countsEntry].sort((a, b) => a.tag - b.tag);
  const ifdSize = 2 + all.length * 12 + 4;
  let external = 8 + ifdSize;
  for (const entry of all) if (entry.bytes.length > 4) external += entry.bytes.length + (entry.bytes.length & 1);
  const start = external;
  if (data) {
    let at = start;
    const offsets = raw.dataCounts.map((count) => {
      const offset = at;
      at += count;
      return offset;
    });
    placeholder.bytes = longs(offsetsTag, offsets, littleEndian).bytes;
  } else {
    placeholder.bytes = longs(offsetsTag, raw.dataOffsets, littleEndian).bytes;
  }
  const out = new Uint8Array(start + (data?.length ?? 0));
  const view = new DataView(out.buffer);
  out[0] = out[1] = littleEndian ? 0x49 : 0x4d;
  view.setUint16(2, 42, littleEndian);
  view.setUint32(4, 8, littleEndian);
  view.setUint16(8, all.length, littleEndian);
  let valueAt = 8 + ifdSize;
  all.forEach((entry, i) => {
    const at = 10 + i * 12;
    view.setUint16(at, entry.tag, littleEndian);
    view.setUint16(at + 2, entry.type, littleEndian);
    view.setUint32(at + 4, entry.count, littleEndian);
    if (entry.bytes.length <= 4) out.set(entry.bytes, at + 8);
    else {
      view.setUint32(at + 8, valueAt, littleEndian);
      out.set(entry.bytes, valueAt);
      valueAt += entry.bytes.length + (entry.bytes.length & 1);
    }
  });
  view.setUint32(10 + all.length * 12, 0, littleEndian);
  if (data) out.set(data, start);
  return out;
}

function longs(tag: number, values: readonly number[], littleEndian: boolean): RawEntry {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setUint32(i * 4, value, littleEndian));
  return { tag, type: 4, count: values.length, bytes };
}

/** An entry in classic TIFF types: 8-byte values narrowed to 4 bytes, or dropped when they do not fit. */
function narrow(entry: RawEntry, littleEndian: boolean): RawEntry[] {
  const type = NARROWER[entry.type];
  if (type === undefined) return [entry];
  const source = new DataView(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength);
  const bytes = new Uint8Array(entry.count * FIELD_TYPE_SIZE[type]!);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < entry.count; i++) {
    const value = entry.type === 17 ? source.getBigInt64(i * 8, littleEndian) : source.getBigUint64(i * 8, littleEndian);
    if (value > 0xffffffffn || value < -0x80000000n) return [];
    if (type === 9) view.setInt32(i * 4, Number(value), littleEndian);
    else view.setUint32(i * 4, Number(value), littleEndian);
  }
  return [{ tag: entry.tag, type, count: entry.count, bytes }];
}
