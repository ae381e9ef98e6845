import path from 'node:path';
import { readdir, rename, rm } from 'node:fs/promises';
import type { Progress, VoxelType } from '../../protocol/contract.js';
import { CancelledError } from '../base/cancellation.js';
import { allocateVoxels, BYTES_PER_VOXEL } from '../io/Volume.js';
import { VolumeReadError } from '../io/VolumeReadError.js';
import { describeBytes, fitsInMemory, memoryBudget } from '../io/memoryBudget.js';
import { buildPyramid } from './buildPyramid.js';
import type { Triple } from './omeMetadata.js';
import { createOmeZarr, DEFAULT_CHUNKS } from './omeZarr.js';
import { writeRegion } from './readRegion.js';
import { openSliceSource } from './sliceSource.js';
import { ZARR_HINTS, ZarrError } from './ZarrError.js';
import type { ZarrVersion } from './zarrNodes.js';

export interface ImportOptions {
  /** 2: NGFF 0.4 on Zarr v2; 3: NGFF 0.5 on Zarr v3 (default). */
  version?: ZarrVersion;
  chunks?: Triple;
  levels?: number;
  compression?: 'gzip' | 'none';
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface ImportSummary {
  dir: string;
  version: ZarrVersion;
  shape: Triple;
  dtype: VoxelType;
  levels: number;
  chunks: Triple;
}

/** Share of the progress bar for copying slices; the pyramid gets the rest. */
const SLICES_SHARE = 0.8;

/**
 * Converts a TIFF stack or a folder of slices into an OME-Zarr image, streaming: slices are read
 * one at a time and each z-chunk is written as soon as its slices are in, so memory holds one
 * chunk's slices, never the volume. Then the pyramid is built. The store is written into a
 * temporary folder beside `dir` and renamed into place at the end, so a cancelled, failed or
 * killed import never leaves a half-made `dir`; an existing, non-empty folder is refused before
 * anything.
 */
export async function importToOmeZarr(source: string, dir: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  await assertNewOrEmpty(dir);
  const input = await openSliceSource(source);
  const temp = path.join(path.dirname(path.resolve(dir)), `.${path.basename(path.resolve(dir))}.importing-${process.pid}`);
  try {
    const shape: Triple = [input.depth, input.height, input.width];
    const chunks = options.chunks ?? DEFAULT_CHUNKS;
    const slabBytes = Math.min(chunks[0], input.depth) * input.width * input.height * BYTES_PER_VOXEL[input.dtype];
    if (!fitsInMemory(slabBytes)) {
      throw new VolumeReadError('TOO_LARGE', `${source}: one z-chunk of ${Math.min(chunks[0], input.depth)} slices of ${input.width} × ${input.height} voxels takes ${describeBytes(slabBytes)}, more than the ${describeBytes(memoryBudget())} an import may use.`, { file: source, hint: 'Import with fewer slices per chunk (--chunks 1,256,256), or crop the slices.' });
    }
    await rm(temp, { recursive: true, force: true });
    const image = await createOmeZarr(temp, {
      shape,
      dtype: input.dtype,
      chunks,
      voxelSize: input.voxelSize,
      version: options.version ?? 3,
      compression: options.compression ?? 'gzip',
      name: input.name,
      ...(options.levels !== undefined ? { levels: options.levels } : {}),
    });
    const level = image.levels[0]!;
    const slabDepth = level.chunks[0];
    const pixels = input.width * input.height;
    const slab = allocateVoxels(input.dtype, slabDepth * pixels);
    const started = performance.now();
    for (let z0 = 0; z0 < input.depth; z0 += slabDepth) {
      const z1 = Math.min(z0 + slabDepth, input.depth);
      for (let z = z0; z < z1; z++) {
        signal?.throwIfAborted();
        await input.readSlice(z, slab.subarray((z - z0) * pixels, (z - z0 + 1) * pixels));
        const fraction = ((z + 1) / input.depth) * SLICES_SHARE;
        const elapsed = (performance.now() - started) / 1000;
        onProgress?.({ stage: `Copying slice ${z + 1} of ${input.depth}`, fraction, etaSeconds: (elapsed / fraction) * (1 - fraction) });
      }
      await writeRegion(level, { z: [z0, z1], y: [0, input.height], x: [0, input.width] }, slab.subarray(0, (z1 - z0) * pixels));
    }
    await buildPyramid(image, {
      ...(signal ? { signal } : {}),
      onProgress: (progress) => onProgress?.({ stage: progress.stage, fraction: SLICES_SHARE + (1 - SLICES_SHARE) * (progress.fraction ?? 0) }),
    });
    await moveIntoPlace(temp, dir);
    onProgress?.({ stage: 'Imported', fraction: 1 });
    return { dir, version: image.version, shape, dtype: input.dtype, levels: image.levels.length, chunks: level.chunks };
  } catch (error) {
    // Only what this import made is removed: never a folder the user had before.
    await rm(temp, { recursive: true, force: true });
    if (signal?.aborted) throw new CancelledError(`The import of ${source} into ${dir} was cancelled.`, { file: dir, hint: ZARR_HINTS.cancelled, cause: error });
    throw error;
  } finally {
    await input.close();
  }
}

/** Refuses a `dir` that holds files; an empty or missing one is fine. */
async function assertNewOrEmpty(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    if (error.code === 'ENOTDIR') return ['(a file)'];
    throw error;
  });
  if (entries.length > 0) {
    throw new ZarrError('ALREADY_EXISTS', `${dir} already exists and is not empty.`, { file: dir, hint: 'Choose a new folder for the OME-Zarr dataset, or delete the old one first.' });
  }
}

/** Renames the finished store onto `dir` (an empty folder there is replaced, as rename allows). */
async function moveIntoPlace(temp: string, dir: string): Promise<void> {
  await rename(temp, dir).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    throw new ZarrError('ALREADY_EXISTS', `${dir} was filled by something else while the import ran; the import was not put there.`, { file: dir, hint: 'Choose a new folder for the OME-Zarr dataset, or delete the old one first.' });
  });
}
