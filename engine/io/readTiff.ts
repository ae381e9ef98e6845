import path from 'node:path';
import type { VoxelType } from '../../protocol/contract.js';
import type { VoxelArray, Volume } from './Volume.js';
import { allocateVoxels, describeVoxelType } from './Volume.js';
import { HINTS, VolumeReadError } from './VolumeReadError.js';
import { TiffFile } from './tiff/TiffFile.js';
import type { TiffPage } from './tiff/TiffPage.js';
import { describeSamples, describeTiffPage, isAuxiliaryPage, pageVoxelType } from './tiff/TiffPage.js';
import type { SampleArray } from './tiff/decodeTiffPage.js';
import { decodeTiffPage } from './tiff/decodeTiffPage.js';
import { parseImageJDescription } from './tiff/imageJDescription.js';
import { compressionName, Tag } from './tiff/tiffTags.js';
import { tiffVoxelSize } from './tiff/tiffVoxelSize.js';
import { checkDecodeMemory } from './tiff/validateTiff.js';

/**
 * Reads a TIFF or BigTIFF file (its bytes; `file` names it in messages) as a volume: every page
 * is one z-slice. Thumbnails and masks are skipped; of an ImageJ hyperstack with several channels,
 * the first channel is read. Throws VolumeReadError naming the file and page.
 */
export function readTiff(bytes: Uint8Array, file: string): Volume {
  const tiff = new TiffFile(bytes, file);
  let ifds = tiff.ifds.filter((ifd) => !isAuxiliaryPage(tiff, ifd));
  if (ifds.length === 0) ifds = tiff.ifds;
  const imageJ = parseImageJDescription(tiff.ascii(ifds[0]!, Tag.ImageDescription));
  const channels = Number(imageJ?.get('channels') ?? 1);
  const notes: string[] = [];
  if (Number.isInteger(channels) && channels > 1 && ifds.length % channels === 0) {
    // ImageJ stores hyperstacks channel-fastest: page i is channel i % channels.
    ifds = ifds.filter((_, i) => i % channels === 0);
    notes.push(`channel 1 of ${channels}`);
  }
  let pages = ifds.map((ifd) => describeTiffPage(tiff, ifd));
  const first = pages[0]!;
  const images = Number(imageJ?.get('images') ?? 1);
  if (pages.length === 1 && Number.isInteger(images) && images > 1 && channels <= 1) pages = imageJContiguousPages(tiff, first, images);

  const dtype = volumeVoxelType(first);
  for (const page of pages) {
    if (page.width !== first.width || page.height !== first.height || volumeVoxelType(page) !== dtype) {
      throw new VolumeReadError(
        'SIZE_MISMATCH',
        `${file}: page ${page.index + 1} is ${describePage(page)}, but page ${first.index + 1} is ${describePage(first)}; all pages of a stack must have the same size and type.`,
        { file, hint: HINTS.sameSize },
      );
    }
  }

  const { width, height } = first;
  const depth = pages.length;
  const pixels = width * height;
  checkDecodeMemory(file, first, depth, dtype, 'the stack');
  let data: VoxelArray;
  try {
    data = allocateVoxels(dtype, pixels * depth);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new VolumeReadError('TOO_LARGE', `${file} is too large to open: ${width} × ${height} × ${depth} voxels of ${describeType(dtype)}.`, { file, hint: HINTS.tooLarge, cause: error });
  }
  let scratch: SampleArray | undefined;
  for (let z = 0; z < depth; z++) scratch = decodeTiffPage(tiff, pages[z]!, data.subarray(z * pixels, (z + 1) * pixels), scratch);

  const compressions = [...new Set(pages.map((page) => compressionName(page.compression)))].join(' + ');
  return {
    name: path.basename(file),
    source: file,
    format: `${tiff.bigTiff ? 'BigTIFF' : 'TIFF'} (${[compressions, describeVolumeSamples(first, dtype), ...notes].join(', ')})`,
    width,
    height,
    depth,
    dtype,
    data,
    voxelSize: tiffVoxelSize(tiff, ifds[0]!),
  };
}

function describePage(page: TiffPage): string {
  return `${page.width} × ${page.height} ${describeType(volumeVoxelType(page))}`;
}

/**
 * The voxel type of the volume a page belongs to: as pageVoxelType, except that 32-bit unsigned
 * grey samples stay uint32 (segment ids, which float32 would round above 2^24).
 */
function volumeVoxelType(page: TiffPage): VoxelType {
  const grey = page.photometric === 0 || page.photometric === 1;
  return grey && page.sampleKind === 'uint' && page.bitsPerSample === 32 ? 'uint32' : pageVoxelType(page);
}

function describeType(dtype: VoxelType): string {
  return dtype === 'uint32' ? '32-bit unsigned' : describeVoxelType(dtype);
}

/** describeSamples, without its 'as 32-bit float' for samples that stay uint32. */
function describeVolumeSamples(page: TiffPage, dtype: VoxelType): string {
  const described = describeSamples(page);
  return dtype === 'uint32' ? described.replace('32-bit unsigned as 32-bit float', '32-bit unsigned') : described;
}

/**
 * ImageJ writes stacks over 4 GiB with a single IFD: the description says `images=N` and the
 * other images follow the first one's uncompressed data back to back.
 */
function imageJContiguousPages(tiff: TiffFile, first: TiffPage, images: number): TiffPage[] {
  const contiguous = first.offsets.every((offset, i) => i === 0 || offset === first.offsets[i - 1]! + first.byteCounts[i - 1]!);
  if (first.compression !== 1 || !contiguous) return [first];
  const chunkCount = first.chunksAcross * first.chunksDown * (first.planar === 2 ? first.samplesPerPixel : 1);
  const offsets = first.offsets.slice(0, chunkCount);
  const byteCounts = first.byteCounts.slice(0, chunkCount);
  const imageBytes = byteCounts.reduce((sum, count) => sum + count, 0);
  const end = offsets[0]! + imageBytes * images;
  if (end > tiff.bytes.length) throw tiff.truncated(`its description promises ${images} images ending at byte ${end}`, first.index);
  return Array.from({ length: images }, (_, k) => ({
    ...first,
    index: k,
    offsets: offsets.map((offset) => offset + k * imageBytes),
    byteCounts,
  }));
}
