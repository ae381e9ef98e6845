import { HINTS, VolumeReadError } from '../VolumeReadError.js';
import { FIELD_TYPE_SIZE } from './tiffTags.js';
import { checkEntryInFile } from './validateTiff.js';

/** One directory entry: the field type, the number of values and where the values start. */
export interface TiffEntry {
  type: number;
  count: number;
  /** Absolute byte offset of the first value (inside the entry when the values fit there). */
  valueOffset: number;
}

/** One image file directory (IFD), i.e. one page. */
export interface TiffIfd {
  /** 0-based position in the IFD chain; messages say `page ${index + 1}`. */
  index: number;
  /** Byte offset of the IFD in the file. */
  offset: number;
  entries: Map<number, TiffEntry>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** More IFDs than any real stack has: a guard against corrupt chains. */
const MAX_PAGES = 1_000_000;

/**
 * The structure of a TIFF or BigTIFF file: byte order and the chain of IFDs, with typed access to
 * tag values. Values are read lazily, so a damaged tag that nobody needs does not stop reading.
 */
export class TiffFile {
  readonly littleEndian: boolean;
  readonly bigTiff: boolean;
  readonly ifds: TiffIfd[] = [];
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 8) throw this.truncated('the 8-byte TIFF header is incomplete');
    const order = String.fromCharCode(bytes[0]!, bytes[1]!);
    if (order !== 'II' && order !== 'MM') {
      throw new VolumeReadError('NOT_AN_IMAGE', `${file} is not a TIFF file (it does not start with II or MM).`, { file, hint: HINTS.formats });
    }
    this.littleEndian = order === 'II';
    const magic = this.view.getUint16(2, this.littleEndian);
    if (magic === 42) {
      this.bigTiff = false;
      this.readChain(this.view.getUint32(4, this.littleEndian));
    } else if (magic === 43) {
      this.bigTiff = true;
      if (bytes.length < 16) throw this.truncated('the 16-byte BigTIFF header is incomplete');
      if (this.view.getUint16(4, this.littleEndian) !== 8) {
        throw this.corrupt('the BigTIFF header says offsets are not 8 bytes long');
      }
      this.readChain(this.uint64(8));
    } else {
      throw new VolumeReadError('NOT_AN_IMAGE', `${file} is not a TIFF file (version ${magic}, expected 42 or 43).`, { file, hint: HINTS.formats });
    }
  }

  has(ifd: TiffIfd, tag: number): boolean {
    return ifd.entries.has(tag);
  }

  /**
   * All values of a numeric tag (rationals as numerator / denominator), or undefined when absent;
   * at most `limit` of them, so a count that lies cannot make a huge array.
   */
  numbers(ifd: TiffIfd, tag: number, limit = Infinity): number[] | undefined {
    const entry = ifd.entries.get(tag);
    if (!entry) return undefined;
    const size = this.checkedSize(ifd, tag, entry);
    const count = Math.min(entry.count, limit);
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = this.value(entry.type, entry.valueOffset + i * size, ifd, tag);
    return values;
  }

  /** The first value of a numeric tag, or `fallback` when absent. */
  number(ifd: TiffIfd, tag: number, fallback: number): number;
  number(ifd: TiffIfd, tag: number): number | undefined;
  number(ifd: TiffIfd, tag: number, fallback?: number): number | undefined {
    const entry = ifd.entries.get(tag);
    if (!entry || entry.count === 0) return fallback;
    this.checkedSize(ifd, tag, entry);
    return this.value(entry.type, entry.valueOffset, ifd, tag);
  }

  /** A RATIONAL tag's first value as [numerator, denominator], or undefined. */
  rational(ifd: TiffIfd, tag: number): [number, number] | undefined {
    const entry = ifd.entries.get(tag);
    if (!entry || entry.count === 0 || (entry.type !== 5 && entry.type !== 10)) return undefined;
    this.checkedSize(ifd, tag, entry);
    const signed = entry.type === 10;
    const read = (at: number) => (signed ? this.view.getInt32(at, this.littleEndian) : this.view.getUint32(at, this.littleEndian));
    return [read(entry.valueOffset), read(entry.valueOffset + 4)];
  }

  /** An ASCII tag as a string (up to its first NUL), or undefined. */
  ascii(ifd: TiffIfd, tag: number): string | undefined {
    const entry = ifd.entries.get(tag);
    if (!entry) return undefined;
    this.checkedSize(ifd, tag, entry);
    let end = entry.valueOffset;
    const limit = entry.valueOffset + entry.count;
    while (end < limit && this.bytes[end] !== 0) end++;
    const text = this.bytes.subarray(entry.valueOffset, end);
    // ASCII by the standard, UTF-8 from many writers, Latin-1 (µ = 0xB5) from some old ones.
    try {
      return utf8.decode(text);
    } catch {
      return Buffer.from(text.buffer, text.byteOffset, text.length).toString('latin1');
    }
  }

  truncated(what: string, page?: number): VolumeReadError {
    const where = page === undefined ? '' : ` (page ${page + 1})`;
    return new VolumeReadError('TRUNCATED', `${this.file} is truncated${where}: ${what}, but the file ends at byte ${this.bytes.length}.`, { file: this.file, hint: HINTS.recopy });
  }

  corrupt(what: string, page?: number): VolumeReadError {
    const where = page === undefined ? '' : ` (page ${page + 1})`;
    return new VolumeReadError('CORRUPT', `${this.file} is damaged${where}: ${what}.`, { file: this.file, hint: HINTS.reexportTiff });
  }

  private readChain(firstOffset: number): void {
    const seen = new Set<number>();
    let offset = firstOffset;
    while (offset !== 0) {
      const index = this.ifds.length;
      if (seen.has(offset)) throw this.corrupt(`the list of pages loops back to byte ${offset}`, index);
      if (index >= MAX_PAGES) throw this.corrupt(`it claims more than ${MAX_PAGES} pages`);
      seen.add(offset);
      const countSize = this.bigTiff ? 8 : 2;
      const entrySize = this.bigTiff ? 20 : 12;
      const nextSize = this.bigTiff ? 8 : 4;
      if (offset + countSize > this.bytes.length) throw this.truncated(`its directory should start at byte ${offset}`, index);
      const count = this.bigTiff ? this.uint64(offset) : this.view.getUint16(offset, this.littleEndian);
      if (count === 0) throw this.corrupt(`its directory at byte ${offset} has no entries`, index);
      const end = offset + countSize + count * entrySize + nextSize;
      if (end > this.bytes.length) throw this.truncated(`its directory of ${count} entries should end at byte ${end}`, index);
      const entries = new Map<number, TiffEntry>();
      for (let i = 0; i < count; i++) {
        const at = offset + countSize + i * entrySize;
        const tag = this.view.getUint16(at, this.littleEndian);
        const type = this.view.getUint16(at + 2, this.littleEndian);
        const valueCount = this.bigTiff ? this.uint64(at + 4) : this.view.getUint32(at + 4, this.littleEndian);
        const size = FIELD_TYPE_SIZE[type];
        if (size === undefined) continue; // unknown field types must be skipped (TIFF 6.0, section 2)
        const inline = size * valueCount <= (this.bigTiff ? 8 : 4);
        const valueAt = this.bigTiff ? at + 12 : at + 8;
        const valueOffset = inline ? valueAt : this.bigTiff ? this.uint64(valueAt) : this.view.getUint32(valueAt, this.littleEndian);
        // Every field's values must be in the file, used or not: a cut-off tag is a cut-off file.
        if (!inline) checkEntryInFile(this, this.bytes.length, tag, valueOffset, size * valueCount, index);
        if (!entries.has(tag)) entries.set(tag, { type, count: valueCount, valueOffset });
      }
      this.ifds.push({ index, offset, entries });
      const nextAt = offset + countSize + count * entrySize;
      offset = this.bigTiff ? this.uint64(nextAt) : this.view.getUint32(nextAt, this.littleEndian);
    }
    if (this.ifds.length === 0) throw this.corrupt('it contains no pages');
  }

  private checkedSize(ifd: TiffIfd, tag: number, entry: TiffEntry): number {
    const size = FIELD_TYPE_SIZE[entry.type]!;
    const end = entry.valueOffset + size * entry.count;
    if (end > this.bytes.length) throw this.truncated(`tag ${tag} should hold ${entry.count} values up to byte ${end}`, ifd.index);
    return size;
  }

  private value(type: number, at: number, ifd: TiffIfd, tag: number): number {
    const v = this.view;
    const le = this.littleEndian;
    switch (type) {
      case 1:
      case 2:
      case 7:
        return v.getUint8(at);
      case 6:
        return v.getInt8(at);
      case 3:
        return v.getUint16(at, le);
      case 8:
        return v.getInt16(at, le);
      case 4:
      case 13:
        return v.getUint32(at, le);
      case 9:
        return v.getInt32(at, le);
      case 5:
        return v.getUint32(at, le) / v.getUint32(at + 4, le);
      case 10:
        return v.getInt32(at, le) / v.getInt32(at + 4, le);
      case 11:
        return v.getFloat32(at, le);
      case 12:
        return v.getFloat64(at, le);
      case 16:
      case 18:
        return this.uint64(at);
      case 17:
        return Number(v.getBigInt64(at, le));
      default:
        throw this.corrupt(`tag ${tag} has unknown field type ${type}`, ifd.index);
    }
  }

  private uint64(at: number): number {
    const value = this.view.getBigUint64(at, this.littleEndian);
    // Offsets past 2^53 cannot be in a file we hold in memory; treat them as past the end.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }
}
