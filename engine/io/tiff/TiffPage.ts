import type { VoxelType } from '../../../protocol/contract.js';
import { HINTS, VolumeReadError } from '../VolumeReadError.js';
import type { TiffFile, TiffIfd } from './TiffFile.js';
import { canDecompress } from './tiffDecompress.js';
import { PHOTOMETRIC_NAMES, Tag, compressionName } from './tiffTags.js';
import { checkChunkSizes, checkFieldTypes, checkPageShape } from './validateTiff.js';

export type SampleKind = 'uint' | 'int' | 'float';

/** One page of a TIFF, checked and reduced to what decoding needs. */
export interface TiffPage {
  /** 0-based IFD index; messages say `page ${index + 1}`. */
  index: number;
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  sampleKind: SampleKind;
  compression: number;
  /** 0 WhiteIsZero, 1 BlackIsZero, 2 RGB, 3 palette. */
  photometric: number;
  /** 1: samples interleaved (chunky); 2: one plane per sample. */
  planar: 1 | 2;
  /** 1 none, 2 horizontal differencing, 3 floating point. */
  predictor: number;
  tiled: boolean;
  /** Size of one strip (width × RowsPerStrip) or tile. */
  chunkWidth: number;
  chunkHeight: number;
  chunksAcross: number;
  chunksDown: number;
  offsets: number[];
  byteCounts: number[];
  /** Palette as 16-bit red, then green, then blue values. */
  colorMap?: number[];
}

/** A thumbnail (reduced resolution) or a transparency mask rather than a slice of the stack. */
export function isAuxiliaryPage(tiff: TiffFile, ifd: TiffIfd): boolean {
  const subfileType = tiff.number(ifd, Tag.NewSubfileType, 0);
  return (subfileType & 0b101) !== 0 || tiff.number(ifd, Tag.PhotometricInterpretation, 1) === 4;
}

/** Reads and checks one IFD. Throws VolumeReadError (UNSUPPORTED, CORRUPT, TRUNCATED) naming the page. */
export function describeTiffPage(tiff: TiffFile, ifd: TiffIfd): TiffPage {
  const { file } = tiff;
  const pageNumber = ifd.index + 1;
  const unsupported = (what: string) =>
    new VolumeReadError('UNSUPPORTED', `${file} (page ${pageNumber}) ${what}, which Membrana cannot read.`, { file, hint: HINTS.reexportTiff });

  checkFieldTypes(tiff, ifd);
  const width = tiff.number(ifd, Tag.ImageWidth, 0);
  const height = tiff.number(ifd, Tag.ImageLength, 0);
  const samplesPerPixel = tiff.number(ifd, Tag.SamplesPerPixel, 1);
  checkPageShape(tiff, ifd, width, height, samplesPerPixel);

  const bitsList = tiff.numbers(ifd, Tag.BitsPerSample, samplesPerPixel) ?? [1];
  const bitsPerSample = bitsList[0]!;
  if (bitsList.some((bits) => bits !== bitsPerSample)) {
    throw unsupported(`has samples of different bit depths (${bitsList.join(', ')})`);
  }
  const formats = tiff.numbers(ifd, Tag.SampleFormat, samplesPerPixel) ?? [1];
  const format = formats[0]!;
  const sampleKind: SampleKind | undefined = format === 1 || format === 4 ? 'uint' : format === 2 ? 'int' : format === 3 ? 'float' : undefined;
  if (!sampleKind) throw unsupported(`has SampleFormat ${format} (complex or unknown samples)`);
  const bitsOk =
    sampleKind === 'float' ? [16, 32, 64].includes(bitsPerSample) : sampleKind === 'uint' ? [1, 2, 4, 8, 16, 32].includes(bitsPerSample) : [8, 16, 32].includes(bitsPerSample);
  if (!bitsOk) throw unsupported(`has ${bitsPerSample}-bit ${sampleKind === 'float' ? 'floating point' : sampleKind === 'int' ? 'signed' : 'unsigned'} samples`);

  const compression = tiff.number(ifd, Tag.Compression, 1);
  if (!canDecompress(compression)) {
    throw new VolumeReadError(
      'UNSUPPORTED',
      `${file} (page ${pageNumber}) uses ${compressionName(compression)} compression (TIFF compression ${compression}), which Membrana cannot decode.`,
      { file, hint: HINTS.reexportTiff },
    );
  }

  const photometric = tiff.number(ifd, Tag.PhotometricInterpretation, samplesPerPixel >= 3 ? 2 : 1);
  let colorMap: number[] | undefined;
  if (photometric === 2) {
    if (samplesPerPixel < 3) throw tiff.corrupt(`it says RGB but has ${samplesPerPixel} sample(s) per pixel`, ifd.index);
  } else if (photometric === 3) {
    colorMap = bitsPerSample <= 16 ? tiff.numbers(ifd, Tag.ColorMap, 3 * 2 ** bitsPerSample) : undefined;
    if (!colorMap || colorMap.length < 3 * 2 ** bitsPerSample) throw tiff.corrupt('it is a palette image without a complete ColorMap', ifd.index);
    if (sampleKind !== 'uint' || bitsPerSample > 16) throw unsupported(`is a palette image with ${bitsPerSample}-bit indices`);
  } else if (photometric !== 0 && photometric !== 1) {
    const name = PHOTOMETRIC_NAMES[photometric] ?? 'an unknown colour space';
    throw unsupported(`stores colours as ${name} (PhotometricInterpretation ${photometric})`);
  }

  const planar = tiff.number(ifd, Tag.PlanarConfiguration, 1) === 2 && samplesPerPixel > 1 ? 2 : 1;
  const predictorTag = tiff.number(ifd, Tag.Predictor, 1);
  // libtiff applies predictors only inside codecs that support them, so it ignores them otherwise.
  const predictor = compression === 1 || compression === 32773 ? 1 : predictorTag;
  if (predictor !== 1 && predictor !== 2 && predictor !== 3) throw unsupported(`uses Predictor ${predictor}`);
  if (predictor === 2 && (bitsPerSample < 8 || (sampleKind === 'float' && bitsPerSample === 64))) {
    throw unsupported(`uses horizontal differencing with ${bitsPerSample}-bit ${sampleKind === 'float' ? 'float ' : ''}samples`);
  }
  if (predictor === 3 && sampleKind !== 'float') throw unsupported('uses the floating point predictor on integer samples');

  const tiled = tiff.has(ifd, Tag.TileWidth) || tiff.has(ifd, Tag.TileOffsets);
  let chunkWidth: number;
  let chunkHeight: number;
  if (tiled) {
    chunkWidth = tiff.number(ifd, Tag.TileWidth, 0);
    chunkHeight = tiff.number(ifd, Tag.TileLength, 0);
    // TIFF 6.0: tiles are multiples of 16 pixels; some writers ignore that, so only sizes are checked.
    if (!(chunkWidth > 0 && chunkHeight > 0 && chunkWidth <= width + 16 * 1024 && chunkHeight <= height + 16 * 1024)) throw tiff.corrupt(`its tiles are ${chunkWidth} × ${chunkHeight} pixels`, ifd.index);
  } else {
    chunkWidth = width;
    const rowsPerStrip = tiff.number(ifd, Tag.RowsPerStrip, height);
    if (rowsPerStrip === 0) throw tiff.corrupt('its RowsPerStrip is 0 (TIFF allows 1 or more)', ifd.index);
    chunkHeight = Math.min(rowsPerStrip, height);
  }
  const chunkName = tiled ? 'tile' : 'strip';
  const chunksAcross = Math.ceil(width / chunkWidth);
  const chunksDown = Math.ceil(height / chunkHeight);
  const chunkCount = chunksAcross * chunksDown * (planar === 2 ? samplesPerPixel : 1);
  // Only as many offsets and sizes as the layout needs are read: a lying count cannot make a huge list.
  const offsets = tiff.numbers(ifd, tiled ? Tag.TileOffsets : Tag.StripOffsets, chunkCount);
  let byteCounts = tiff.numbers(ifd, tiled ? Tag.TileByteCounts : Tag.StripByteCounts, chunkCount);
  if (!offsets) throw tiff.corrupt(`it has no ${chunkName} offsets`, ifd.index);
  if (offsets.length < chunkCount) throw tiff.corrupt(`it lists ${offsets.length} ${chunkName}s but needs ${chunkCount}`, ifd.index);
  if (!byteCounts) {
    // Old writers omitted StripByteCounts for uncompressed data; it follows from the layout.
    if (compression !== 1 || tiled) throw tiff.corrupt(`it has no ${chunkName} byte counts`, ifd.index);
    const rowBytes = Math.ceil((chunkWidth * (planar === 2 ? 1 : samplesPerPixel) * bitsPerSample) / 8);
    byteCounts = offsets.map((_, i) => rowBytes * Math.min(chunkHeight, height - (i % chunksDown) * chunkHeight));
  }
  if (byteCounts.length < chunkCount) throw tiff.corrupt(`it lists ${byteCounts.length} ${chunkName} sizes but needs ${chunkCount}`, ifd.index);
  for (let i = 0; i < chunkCount; i++) {
    const end = offsets[i]! + byteCounts[i]!;
    if (end > tiff.bytes.length) throw tiff.truncated(`${chunkName} ${i + 1} of ${chunkCount} should end at byte ${end}`, ifd.index);
  }

  const page: TiffPage = {
    index: ifd.index,
    width,
    height,
    samplesPerPixel,
    bitsPerSample,
    sampleKind,
    compression,
    photometric,
    planar,
    predictor,
    tiled,
    chunkWidth,
    chunkHeight,
    chunksAcross,
    chunksDown,
    offsets,
    byteCounts,
    ...(colorMap ? { colorMap } : {}),
  };
  checkChunkSizes(tiff, page);
  return page;
}

/** The voxel type a page becomes: 8-bit and 16-bit unsigned stay, everything else is float32. */
export function pageVoxelType(page: TiffPage): VoxelType {
  if (page.photometric === 3 || (page.sampleKind === 'uint' && page.bitsPerSample <= 8)) return 'uint8';
  if (page.sampleKind === 'uint' && page.bitsPerSample === 16) return 'uint16';
  return 'float32';
}

/** How a page's samples are described in `Volume.format`: '16-bit', 'RGB 8-bit as grayscale', ... */
export function describeSamples(page: TiffPage): string {
  const { bitsPerSample: bits, sampleKind: kind } = page;
  const type = kind === 'float' ? `${bits}-bit float` : kind === 'int' ? `signed ${bits}-bit` : bits === 32 ? '32-bit unsigned' : `${bits}-bit`;
  const parts: string[] = [];
  if (page.photometric === 3) parts.push(`${bits}-bit palette as 8-bit grayscale`);
  else if (page.photometric === 2) parts.push(`RGB ${type} as ${describeTarget(pageVoxelType(page))} grayscale`);
  else {
    const target = pageVoxelType(page);
    const same = (target === 'uint8' && bits === 8) || (target === 'uint16' && bits === 16) || (target === 'float32' && kind === 'float' && bits === 32);
    parts.push(same ? type : `${type} as ${describeTarget(target)}`);
    if (page.samplesPerPixel > 1) parts.push(`first of ${page.samplesPerPixel} samples`);
  }
  if (page.photometric === 0) parts.push('WhiteIsZero inverted');
  return parts.join(', ');
}

function describeTarget(dtype: VoxelType): string {
  return dtype === 'uint8' ? '8-bit' : dtype === 'uint16' ? '16-bit' : '32-bit float';
}
