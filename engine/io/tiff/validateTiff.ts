import type { VoxelType } from '../../../protocol/contract.js';
import { BYTES_PER_VOXEL } from '../Volume.js';
import { HINTS, VolumeReadError } from '../VolumeReadError.js';
import { describeBytes, MAX_ARRAY_BYTES, memoryBudget } from '../memoryBudget.js';
import type { TiffFile, TiffIfd } from './TiffFile.js';
import type { TiffPage } from './TiffPage.js';
import { compressionName, Tag } from './tiffTags.js';

/*
 * The TIFF checks that run before anything is allocated or decoded: every size a header declares
 * is held against the file's real size and the memory budget, and every field the decoder uses
 * against what TIFF 6.0 (and BigTIFF) allow. Each failure is a VolumeReadError naming the file
 * and page.
 */

/** Field types an unsigned count or size may have: BYTE, SHORT, LONG, IFD, LONG8, IFD8. */
const UNSIGNED_TYPES = new Set([1, 3, 4, 13, 16, 18]);

/** Tags the decoder reads as whole unsigned numbers. */
const INTEGER_TAGS: readonly number[] = [
  Tag.NewSubfileType,
  Tag.ImageWidth,
  Tag.ImageLength,
  Tag.BitsPerSample,
  Tag.Compression,
  Tag.PhotometricInterpretation,
  Tag.StripOffsets,
  Tag.SamplesPerPixel,
  Tag.RowsPerStrip,
  Tag.StripByteCounts,
  Tag.PlanarConfiguration,
  Tag.Predictor,
  Tag.ColorMap,
  Tag.TileWidth,
  Tag.TileLength,
  Tag.TileOffsets,
  Tag.TileByteCounts,
  Tag.SampleFormat,
];

/** Largest width or height a page may declare (TIFF's LONG allows 2^32 - 1; no scan is wider). */
const MAX_EDGE = 2 ** 31 - 1;
/** More samples per pixel than any image Membrana reads (RGBA plus a few extra channels). */
const MAX_SAMPLES = 64;

/**
 * How many decoded bytes one compressed byte can give at most, per compression: a strip that
 * declares more pixels than its data can hold is damaged, whatever the decoder would make of it.
 * Deflate's limit is 1032:1; LZW's codes of 9–12 bits stand for strings of at most ~3,840
 * bytes (about 2,560:1); PackBits repeats a byte at most 128 times per 2 bytes. Zstandard has no
 * useful bound, so only the memory budget limits it.
 */
const MAX_RATIO: Record<number, number> = { 1: 1, 5: 4096, 8: 1100, 32946: 1100, 32773: 64 };

/** The values of an IFD entry end inside the file, or the file is truncated. */
export function checkEntryInFile(tiff: Pick<TiffFile, 'truncated'>, fileSize: number, tag: number, valueOffset: number, byteLength: number, page: number): void {
  if (!(valueOffset + byteLength <= fileSize)) {
    throw tiff.truncated(`tag ${tag} should hold ${byteLength.toLocaleString('en')} bytes of values up to byte ${(valueOffset + byteLength).toLocaleString('en')}`, page);
  }
}

/** The fields the decoder reads as whole numbers have an unsigned integer type and at least one value. */
export function checkFieldTypes(tiff: TiffFile, ifd: TiffIfd): void {
  for (const tag of INTEGER_TAGS) {
    const entry = ifd.entries.get(tag);
    if (!entry) continue;
    if (!UNSIGNED_TYPES.has(entry.type)) throw tiff.corrupt(`tag ${tag} has field type ${entry.type}, but TIFF stores it as an unsigned whole number`, ifd.index);
    if (entry.count === 0) throw tiff.corrupt(`tag ${tag} has no values`, ifd.index);
  }
}

/** Width, height and samples per pixel are within what a page can hold. */
export function checkPageShape(tiff: TiffFile, ifd: TiffIfd, width: number, height: number, samplesPerPixel: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && width <= MAX_EDGE && height <= MAX_EDGE)) {
    throw tiff.corrupt(`the image size is ${width} × ${height} pixels`, ifd.index);
  }
  if (!(Number.isInteger(samplesPerPixel) && samplesPerPixel >= 1 && samplesPerPixel <= MAX_SAMPLES)) {
    throw tiff.corrupt(`it has ${samplesPerPixel} samples per pixel`, ifd.index);
  }
}

/**
 * Each strip or tile's compressed size can hold the pixels it must give (uncompressed: exactly;
 * compressed: within the compression's largest ratio). Run before decompressing anything.
 */
export function checkChunkSizes(tiff: TiffFile, page: TiffPage): void {
  const ratio = MAX_RATIO[page.compression];
  if (ratio === undefined) return;
  const chunkSpp = page.planar === 1 ? page.samplesPerPixel : 1;
  const rowBytes = Math.ceil((page.chunkWidth * chunkSpp * page.bitsPerSample) / 8);
  const perPlane = page.chunksAcross * page.chunksDown;
  const chunkName = page.tiled ? 'tile' : 'strip';
  const count = perPlane * (page.planar === 2 ? page.samplesPerPixel : 1);
  for (let c = 0; c < count; c++) {
    const within = c % perPlane;
    const y0 = Math.floor(within / page.chunksAcross) * page.chunkHeight;
    const rows = page.tiled ? page.chunkHeight : Math.min(page.chunkHeight, page.height - y0);
    const needed = rowBytes * rows;
    const stored = page.byteCounts[c]!;
    if (stored * ratio + 64 < needed) {
      const how = page.compression === 1 ? 'uncompressed' : `${compressionName(page.compression)}-compressed (at most ${ratio}:1)`;
      throw tiff.corrupt(`${chunkName} ${c + 1} of ${count} stores ${stored.toLocaleString('en')} bytes, too few for the ${needed.toLocaleString('en')} bytes of ${how} pixels it must hold`, page.index);
    }
  }
}

/**
 * Bytes a decode takes: the voxels, the page's raw samples when they need converting (the
 * scratch), and one decompressed strip or tile.
 */
export function decodeBytes(page: TiffPage, voxels: number, dtype: VoxelType): { total: number; largestArray: number } {
  const sampleBytes = page.bitsPerSample <= 8 ? 1 : page.bitsPerSample / 8;
  const converts = page.samplesPerPixel > 1 || page.photometric > 1 || page.bitsPerSample < 8 || page.sampleKind === 'int' || page.bitsPerSample === 64 || (page.sampleKind === 'float' && page.bitsPerSample === 16);
  const scratch = converts ? page.width * page.height * page.samplesPerPixel * sampleBytes : 0;
  const chunkSpp = page.planar === 1 ? page.samplesPerPixel : 1;
  const chunk = Math.ceil((page.chunkWidth * chunkSpp * page.bitsPerSample) / 8) * page.chunkHeight;
  const voxelBytes = voxels * BYTES_PER_VOXEL[dtype];
  return { total: voxelBytes + scratch + chunk, largestArray: Math.max(voxelBytes, scratch, chunk) };
}

/**
 * Refuses, before allocating, a decode that would go past the memory budget or make an array
 * larger than Node allows (`what`: 'the stack', 'one page').
 */
export function checkDecodeMemory(file: string, page: TiffPage, depth: number, dtype: VoxelType, what: string): void {
  const voxels = page.width * page.height * depth;
  const { total, largestArray } = decodeBytes(page, voxels, dtype);
  const budget = memoryBudget();
  if (total > budget || largestArray > MAX_ARRAY_BYTES) {
    const limit = total > budget ? `the ${describeBytes(budget)} Membrana may use (MEMBRANA_MEMORY_BUDGET)` : 'the 4 GiB a single array can hold';
    throw new VolumeReadError(
      'TOO_LARGE',
      `${file} is too large to open: ${what} is ${page.width.toLocaleString('en')} × ${page.height.toLocaleString('en')}${depth > 1 ? ` × ${depth}` : ''} voxels, ${describeBytes(total)} to decode, more than ${limit}.`,
      { file, hint: `${HINTS.tooLarge} For stacks larger than memory, convert with \`membrana import\` and work on the OME-Zarr.` },
    );
  }
}
