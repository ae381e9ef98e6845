import { FIELD_TYPE_SIZE } from './tiffTags.js';

/** One entry for a little-endian classic TIFF IFD; RATIONAL values are numerator, denominator pairs. */
export interface IfdEntry {
  tag: number;
  type: 1 | 2 | 3 | 4 | 5;
  values: readonly number[];
}

function valueBytes(entry: IfdEntry): number {
  return entry.values.length * (entry.type === 5 ? 4 : FIELD_TYPE_SIZE[entry.type]!);
}

/** Bytes an IFD takes: count, entries, next offset, then the values that do not fit in 4 bytes. */
export function ifdByteLength(entries: readonly IfdEntry[]): number {
  let size = 2 + entries.length * 12 + 4;
  for (const entry of entries) {
    const bytes = valueBytes(entry);
    if (bytes > 4) size += bytes + (bytes & 1);
  }
  return size;
}

/** Writes an IFD at `offset` (entries must be sorted by tag), its long values right after it. */
export function writeIfd(view: DataView, offset: number, entries: readonly IfdEntry[], nextIfdOffset: number): void {
  view.setUint16(offset, entries.length, true);
  let external = offset + 2 + entries.length * 12 + 4;
  entries.forEach((entry, i) => {
    const at = offset + 2 + i * 12;
    const count = entry.type === 5 ? entry.values.length / 2 : entry.values.length;
    view.setUint16(at, entry.tag, true);
    view.setUint16(at + 2, entry.type, true);
    view.setUint32(at + 4, count, true);
    const bytes = valueBytes(entry);
    let valueAt = at + 8;
    if (bytes > 4) {
      view.setUint32(at + 8, external, true);
      valueAt = external;
      external += bytes + (bytes & 1);
    }
    const size = entry.type === 5 ? 4 : FIELD_TYPE_SIZE[entry.type]!;
    entry.values.forEach((value, j) => {
      const to = valueAt + j * size;
      if (size === 1) view.setUint8(to, value);
      else if (size === 2) view.setUint16(to, value, true);
      else view.setUint32(to, value, true);
    });
  });
  view.setUint32(offset + 2 + entries.length * 12, nextIfdOffset, true);
}
