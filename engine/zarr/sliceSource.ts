import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { VoxelSize, VoxelType } from '../../protocol/contract.js';
import type { VoxelArray } from '../io/Volume.js';
import { describeVoxelType } from '../io/Volume.js';
import { HINTS, VolumeReadError } from '../io/VolumeReadError.js';
import { readImageBytes } from '../io/readImageBytes.js';
import { fileSystemError, listSliceImages, readBytes, readStart, readVolume } from '../io/readVolume.js';
import { sniffImageFormat } from '../io/sniffImageFormat.js';
import { openTiffPages } from './tiffPages.js';

/** A stack that hands out one z-slice at a time, so an import never holds the whole volume. */
export interface SliceSource {
  name: string;
  width: number;
  height: number;
  depth: number;
  dtype: VoxelType;
  voxelSize: VoxelSize;
  /** Decodes slice z into `out` (width × height voxels of `dtype`). */
  readSlice(z: number, out: VoxelArray): Promise<void>;
  close(): Promise<void>;
}

const WIDTH_ORDER: VoxelType[] = ['uint8', 'uint16', 'uint32', 'float32'];

/** A TIFF stack (page by page), a folder of slice images (file by file), or one PNG/JPEG image. */
export async function openSliceSource(source: string): Promise<SliceSource> {
  const stats = await stat(source).catch((error: unknown) => {
    throw fileSystemError(error, source);
  });
  const name = path.basename(path.resolve(source)).replace(/\.(ome\.)?(tiff?|btf|tf8|png|jpe?g)$/i, '');
  if (stats.isDirectory()) return openFolder(source, name);
  if (sniffImageFormat(await readStart(source)) === 'tiff') {
    const pages = await openTiffPages(source);
    return { name, width: pages.width, height: pages.height, depth: pages.depth, dtype: pages.dtype, voxelSize: pages.voxelSize, readSlice: (z, out) => pages.readPage(z, out), close: () => pages.close() };
  }
  // A single PNG or JPEG is one slice: small enough to read whole.
  const volume = await readVolume(source);
  return { name, width: volume.width, height: volume.height, depth: 1, dtype: volume.dtype, voxelSize: volume.voxelSize, readSlice: async (_z, out) => out.set(volume.data), close: async () => {} };
}

/** Slices of a folder in natural order (slice2 before slice10); the first slice sets size and type. */
async function openFolder(folder: string, name: string): Promise<SliceSource> {
  const files = await listSliceImages(folder);
  const read = async (file: string) => {
    const slice = readImageBytes(await readBytes(file), file);
    if (slice.depth !== 1) throw new VolumeReadError('UNSUPPORTED', `${file} holds ${slice.depth} slices, but each image in a folder of slices must hold one.`, { file, hint: 'Import the stack on its own, or save its pages as separate images.' });
    return slice;
  };
  const first = await read(files[0]!);
  return {
    name,
    width: first.width,
    height: first.height,
    depth: files.length,
    dtype: first.dtype,
    voxelSize: first.voxelSize,
    async readSlice(z, out) {
      const slice = z === 0 ? first : await read(files[z]!);
      if (slice.width !== first.width || slice.height !== first.height) {
        throw new VolumeReadError('SIZE_MISMATCH', `${slice.source} is ${slice.width} × ${slice.height} pixels, but ${first.source} is ${first.width} × ${first.height}; all slices must have the same size.`, { file: slice.source, hint: HINTS.sameSize });
      }
      // Narrower slices keep their values in the wider type; a wider one cannot fit what is already written.
      if (WIDTH_ORDER.indexOf(slice.dtype) > WIDTH_ORDER.indexOf(first.dtype)) {
        throw new VolumeReadError('SIZE_MISMATCH', `${slice.source} is ${describeVoxelType(slice.dtype)}, but ${first.source} is ${describeVoxelType(first.dtype)}; an import keeps the first slice's type.`, { file: slice.source, hint: HINTS.sameSize });
      }
      out.set(slice.data);
    },
    close: async () => {},
  };
}
