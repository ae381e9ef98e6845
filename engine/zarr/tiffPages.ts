import type { FileHandle } from 'node:fs/promises';
import type { VoxelSize, VoxelType } from '../../protocol/contract.js';
import type { VoxelArray } from '../io/Volume.js';
import { HINTS, VolumeReadError } from '../io/VolumeReadError.js';
import { TiffFile } from '../io/tiff/TiffFile.js';
import type { TiffPage } from '../io/tiff/TiffPage.js';
import { describeTiffPage, isAuxiliaryPage, pageVoxelType } from '../io/tiff/TiffPage.js';
import type { SampleArray } from '../io/tiff/decodeTiffPage.js';
import { decodeTiffPage } from '../io/tiff/decodeTiffPage.js';
import { parseImageJDescription } from '../io/tiff/imageJDescription.js';
import { FIELD_TYPE_SIZE, Tag } from '../io/tiff/tiffTags.js';
import { tiffVoxelSize } from '../io/tiff/tiffVoxelSize.js';
import { checkDecodeMemory } from '../io/tiff/validateTiff.js';
import { describeBytes, memoryBudget } from '../io/memoryBudget.js';
import { fileSystemError, volumeErrors } from '../io/readVolume.js';
import { openRegularFile, readAt } from '../io/readRegularFile.js';
import { packTiffPage, type RawEntry, type RawIfd } from './packTiffPage.js';

/** A TIFF stack read one page at a time from disk: memory holds one page, never the file. */
export interface TiffPages {
  file: string;
  width: number;
  height: number;
  depth: number;
  dtype: VoxelType;
  voxelSize: VoxelSize;
  /** Decodes slice z into `out` (width × height voxels of `dtype`). */
  readPage(z: number, out: VoxelArray): Promise<void>;
  close(): Promise<void>;
}

const MAX_PAGES = 1_000_000;
const DATA_TAGS: readonly number[] = [Tag.StripOffsets, Tag.StripByteCounts, Tag.TileOffsets, Tag.TileByteCounts];

/**
 * Opens a TIFF or BigTIFF for page-by-page reading. The IFD chain is walked with small reads;
 * each page's strips or tiles are read when the page is asked for, repacked with its tags into a
 * small TIFF of its own, and decoded by the same decoder readTiff uses — so the voxels are
 * identical to readVolume's. Pages are chosen as readTiff does: thumbnails and masks skipped,
 * the first channel of an ImageJ hyperstack, ImageJ's contiguous images over 4 GiB.
 */
export async function openTiffPages(file: string): Promise<TiffPages> {
  const { handle, size } = await openRegularFile(file, volumeErrors(file)).catch((error: unknown) => {
    throw fileSystemError(error, file);
  });
  try {
    const reader = new IfdReader(handle, file, size);
    const ifds = await reader.readChain();
    if (ifds.length === 0) throw new VolumeReadError('CORRUPT', `${file} is damaged: it contains no pages (its first directory offset is 0).`, { file, hint: HINTS.reexportTiff });
    const metas = ifds.map((raw) => metadataTiff(raw, reader.littleEndian, file));
    let chosen = metas.filter(({ tiff, ifd }) => !isAuxiliaryPage(tiff, ifd));
    if (chosen.length === 0) chosen = metas;
    const first = chosen[0]!;
    const imageJ = parseImageJDescription(first.tiff.ascii(first.ifd, Tag.ImageDescription));
    const channels = Number(imageJ?.get('channels') ?? 1);
    if (Number.isInteger(channels) && channels > 1 && chosen.length % channels === 0) chosen = chosen.filter((_, i) => i % channels === 0);
    const voxelSize = tiffVoxelSize(first.tiff, first.ifd);
    let pages: { raw: RawIfd; shift: number }[] = chosen.map(({ raw }) => ({ raw, shift: 0 }));

    const firstPage = await reader.page(pages[0]!.raw, 0);
    const images = Number(imageJ?.get('images') ?? 1);
    if (pages.length === 1 && Number.isInteger(images) && images > 1 && channels <= 1) pages = contiguousImages(firstPage.page, pages[0]!.raw, images, reader.size, file);
    const dtype = volumeVoxelType(firstPage.page);
    const { width, height } = firstPage.page;
    checkDecodeMemory(file, firstPage.page, 1, dtype, 'one page');
    let scratch: SampleArray | undefined;
    return {
      file,
      width,
      height,
      depth: pages.length,
      dtype,
      voxelSize,
      async readPage(z, out) {
        const { raw, shift } = pages[z]!;
        const { tiff, page } = await reader.page(raw, shift);
        if (page.width !== width || page.height !== height || volumeVoxelType(page) !== dtype) {
          throw new VolumeReadError('SIZE_MISMATCH', `${file}: page ${raw.index + 1} is ${page.width} × ${page.height} ${volumeVoxelType(page)}, but page 1 is ${width} × ${height} ${dtype}; all pages of a stack must have the same size and type.`, { file, hint: HINTS.sameSize });
        }
        scratch = decodeTiffPage(tiff, page, out, scratch);
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** As readTiff: 32-bit unsigned grey samples stay uint32 (segment ids). */
function volumeVoxelType(page: TiffPage): VoxelType {
  const grey = page.photometric === 0 || page.photometric === 1;
  return grey && page.sampleKind === 'uint' && page.bitsPerSample === 32 ? 'uint32' : pageVoxelType(page);
}

/** A TIFF holding only the tags of one IFD, for reading its metadata with TiffFile. */
function metadataTiff(raw: RawIfd, littleEndian: boolean, file: string): { raw: RawIfd; tiff: TiffFile; ifd: TiffFile['ifds'][number] } {
  const tiff = new TiffFile(packTiffPage(raw, littleEndian, undefined), file);
  const ifd = tiff.ifds[0]!;
  ifd.index = raw.index;
  return { raw, tiff, ifd };
}

/** ImageJ's stacks over 4 GiB: one IFD, and `images` uncompressed images back to back. */
function contiguousImages(first: TiffPage, raw: RawIfd, images: number, size: number, file: string): { raw: RawIfd; shift: number }[] {
  const chunkCount = first.chunksAcross * first.chunksDown * (first.planar === 2 ? first.samplesPerPixel : 1);
  const offsets = raw.dataOffsets.slice(0, chunkCount);
  const counts = raw.dataCounts.slice(0, chunkCount);
  const contiguous = offsets.every((offset, i) => i === 0 || offset === offsets[i - 1]! + counts[i - 1]!);
  if (first.compression !== 1 || !contiguous) return [{ raw, shift: 0 }];
  const imageBytes = counts.reduce((sum, count) => sum + count, 0);
  const end = offsets[0]! + imageBytes * images;
  if (end > size) throw new VolumeReadError('TRUNCATED', `${file} is truncated (page 1): its description promises ${images} images ending at byte ${end}, but the file ends at byte ${size}.`, { file, hint: HINTS.recopy });
  const one = { ...raw, dataOffsets: offsets, dataCounts: counts };
  return Array.from({ length: images }, (_, k) => ({ raw: { ...one, index: k }, shift: k * imageBytes }));
}

/** Reads the header, the IFD chain and page data of a TIFF through a file handle. */
class IfdReader {
  littleEndian = true;
  bigTiff = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly file: string,
    readonly size: number,
  ) {}

  /** `length` bytes at `offset`; checked against the file's size before anything is allocated. */
  private async bytes(offset: number, length: number, what: string, page?: number): Promise<Uint8Array> {
    const truncated = () => {
      const where = page === undefined ? '' : ` (page ${page + 1})`;
      return new VolumeReadError('TRUNCATED', `${this.file} is truncated${where}: ${what} should end at byte ${(offset + length).toLocaleString('en')}, but the file ends at byte ${this.size.toLocaleString('en')}.`, { file: this.file, hint: HINTS.recopy });
    };
    if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= this.size)) throw truncated();
    const buffer = new Uint8Array(length);
    if ((await readAt(this.handle, buffer, 0, length, offset)) < length) throw truncated();
    return buffer;
  }

  async readChain(): Promise<RawIfd[]> {
    const header = await this.bytes(0, Math.min(16, this.size), 'the TIFF header');
    const order = String.fromCharCode(header[0] ?? 0, header[1] ?? 0);
    if (header.length < 8 || (order !== 'II' && order !== 'MM')) {
      throw new VolumeReadError('NOT_AN_IMAGE', `${this.file} is not a TIFF file (it does not start with II or MM).`, { file: this.file, hint: HINTS.formats });
    }
    this.littleEndian = order === 'II';
    const view = new DataView(header.buffer);
    const magic = view.getUint16(2, this.littleEndian);
    if (magic !== 42 && magic !== 43) throw new VolumeReadError('NOT_AN_IMAGE', `${this.file} is not a TIFF file (version ${magic}, expected 42 or 43).`, { file: this.file, hint: HINTS.formats });
    this.bigTiff = magic === 43;
    let offset = this.bigTiff ? Number(view.getBigUint64(8, this.littleEndian)) : view.getUint32(4, this.littleEndian);
    const ifds: RawIfd[] = [];
    const seen = new Set<number>();
    while (offset !== 0) {
      const index = ifds.length;
      if (seen.has(offset) || index >= MAX_PAGES) throw new VolumeReadError('CORRUPT', `${this.file} is damaged (page ${index + 1}): the list of pages loops back to byte ${offset}.`, { file: this.file, hint: HINTS.recopy });
      seen.add(offset);
      const { ifd, next } = await this.readIfd(offset, index);
      ifds.push(ifd);
      offset = next;
    }
    return ifds;
  }

  private async readIfd(offset: number, index: number): Promise<{ ifd: RawIfd; next: number }> {
    const countSize = this.bigTiff ? 8 : 2;
    const entrySize = this.bigTiff ? 20 : 12;
    const countBytes = await this.bytes(offset, countSize, 'its directory', index);
    const countView = new DataView(countBytes.buffer);
    const count = this.bigTiff ? Number(countView.getBigUint64(0, this.littleEndian)) : countView.getUint16(0, this.littleEndian);
    if (count === 0) throw new VolumeReadError('CORRUPT', `${this.file} is damaged (page ${index + 1}): its directory at byte ${offset} has no entries.`, { file: this.file, hint: HINTS.reexportTiff });
    const body = await this.bytes(offset + countSize, count * entrySize + (this.bigTiff ? 8 : 4), `its directory of ${count} entries`, index);
    const view = new DataView(body.buffer);
    const entries: RawEntry[] = [];
    const fieldSize = this.bigTiff ? 8 : 4;
    for (let i = 0; i < count; i++) {
      const at = i * entrySize;
      const tag = view.getUint16(at, this.littleEndian);
      const type = view.getUint16(at + 2, this.littleEndian);
      const valueCount = this.bigTiff ? Number(view.getBigUint64(at + 4, this.littleEndian)) : view.getUint32(at + 4, this.littleEndian);
      const typeSize = FIELD_TYPE_SIZE[type];
      if (typeSize === undefined) continue; // unknown field types are skipped, as TiffFile does with unused tags
      const length = typeSize * valueCount;
      const field = at + (this.bigTiff ? 12 : 8);
      let bytes: Uint8Array;
      if (length <= fieldSize) bytes = body.slice(field, field + length);
      else {
        const valueOffset = this.bigTiff ? Number(view.getBigUint64(field, this.littleEndian)) : view.getUint32(field, this.littleEndian);
        bytes = await this.bytes(valueOffset, length, `the values of tag ${tag}`, index);
      }
      entries.push({ tag, type, count: valueCount, bytes });
    }
    const nextAt = count * entrySize;
    const next = this.bigTiff ? Number(view.getBigUint64(nextAt, this.littleEndian)) : view.getUint32(nextAt, this.littleEndian);
    const numbers = (tag: number) => {
      const entry = entries.find((e) => e.tag === tag);
      return entry ? entryNumbers(entry, this.littleEndian) : undefined;
    };
    const tiled = entries.some((e) => e.tag === Tag.TileOffsets || e.tag === Tag.TileWidth);
    const dataOffsets = numbers(tiled ? Tag.TileOffsets : Tag.StripOffsets) ?? [];
    const dataCounts = numbers(tiled ? Tag.TileByteCounts : Tag.StripByteCounts) ?? impliedByteCounts(numbers, dataOffsets.length);
    return { ifd: { index, tiled, entries: entries.filter((e) => !DATA_TAGS.includes(e.tag)), dataOffsets, dataCounts }, next };
  }

  /** Reads a page's strips or tiles (shifted by `shift` bytes) and describes it with readTiff's checks. */
  async page(raw: RawIfd, shift: number): Promise<{ tiff: TiffFile; page: TiffPage }> {
    const chunk = raw.tiled ? 'tile' : 'strip';
    const truncated = (i: number) =>
      new VolumeReadError('TRUNCATED', `${this.file} is truncated (page ${raw.index + 1}): ${chunk} ${i + 1} should end at byte ${(raw.dataOffsets[i]! + shift + raw.dataCounts[i]!).toLocaleString('en')}, but the file ends at byte ${this.size.toLocaleString('en')}.`, { file: this.file, hint: HINTS.recopy });
    // Every strip inside the file, and all of them within the budget, before one byte is allocated.
    let total = 0;
    for (let i = 0; i < raw.dataCounts.length; i++) {
      const start = (raw.dataOffsets[i] ?? Infinity) + shift;
      if (!(start + raw.dataCounts[i]! <= this.size)) throw truncated(i);
      total += raw.dataCounts[i]!;
    }
    if (total > memoryBudget()) {
      throw new VolumeReadError('TOO_LARGE', `${this.file} (page ${raw.index + 1}) holds ${describeBytes(total)} of ${chunk}s, more than the ${describeBytes(memoryBudget())} Membrana may use for one page.`, { file: this.file, hint: HINTS.tooLarge });
    }
    const data = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < raw.dataCounts.length; i++) {
      const length = raw.dataCounts[i]!;
      if ((await readAt(this.handle, data, at, length, raw.dataOffsets[i]! + shift)) < length) throw truncated(i);
      at += length;
    }
    const tiff = new TiffFile(packTiffPage(raw, this.littleEndian, data), this.file);
    const ifd = tiff.ifds[0]!;
    // Messages then name the page of the original file.
    ifd.index = raw.index;
    return { tiff, page: describeTiffPage(tiff, ifd) };
  }
}

/** Numeric values of an entry (SHORT, LONG, LONG8, IFD, IFD8, BYTE). */
export function entryNumbers(entry: RawEntry, littleEndian: boolean): number[] {
  const view = new DataView(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength);
  const size = FIELD_TYPE_SIZE[entry.type]!;
  return Array.from({ length: entry.count }, (_, i) => {
    const at = i * size;
    if (size === 1) return view.getUint8(at);
    if (size === 2) return view.getUint16(at, littleEndian);
    if (size === 4) return view.getUint32(at, littleEndian);
    return Number(view.getBigUint64(at, littleEndian));
  });
}

/** Old writers omit StripByteCounts for uncompressed strips: the layout gives them. */
function impliedByteCounts(numbers: (tag: number) => number[] | undefined, strips: number): number[] {
  const width = numbers(Tag.ImageWidth)?.[0] ?? 0;
  const height = numbers(Tag.ImageLength)?.[0] ?? 0;
  const spp = numbers(Tag.SamplesPerPixel)?.[0] ?? 1;
  const bits = numbers(Tag.BitsPerSample)?.[0] ?? 1;
  const planar = numbers(Tag.PlanarConfiguration)?.[0] === 2 ? 2 : 1;
  const rows = Math.min(numbers(Tag.RowsPerStrip)?.[0] ?? height, height) || height;
  const rowBytes = Math.ceil((width * (planar === 2 ? 1 : spp) * bits) / 8);
  const down = Math.ceil(height / rows);
  return Array.from({ length: strips }, (_, i) => rowBytes * Math.min(rows, height - (i % down) * rows));
}
