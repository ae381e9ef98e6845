import path from 'node:path';
import { readdir, rm, stat } from 'node:fs/promises';
import type { Progress, VoxelType } from '../../protocol/contract.js';
import { allocateVoxels } from '../io/Volume.js';
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
 * chunk's slices, never the volume. Then the pyramid is built. A cancelled or failed import
 * removes the folder it created; an existing, non-empty folder is refused before anything.
 */
export async function importToOmeZarr(source: string, dir: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const existed = await stat(dir).then(() => true, () => false);
  const input = await openSliceSource(source);
  let created = false;
  try {
    const shape: Triple = [input.depth, input.height, input.width];
    const image = await createOmeZarr(dir, {
      shape,
      dtype: input.dtype,
      chunks: options.chunks ?? DEFAULT_CHUNKS,
      voxelSize: input.voxelSize,
      version: options.version ?? 3,
      compression: options.compression ?? 'gzip',
      name: input.name,
      ...(options.levels !== undefined ? { levels: options.levels } : {}),
    });
    created = true;
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
    onProgress?.({ stage: 'Imported', fraction: 1 });
    return { dir, version: image.version, shape, dtype: input.dtype, levels: image.levels.length, chunks: level.chunks };
  } catch (error) {
    // Only what this import made is removed: never a folder the user had before.
    if (created) await removeImport(dir, existed);
    if (signal?.aborted) throw new ZarrError('CANCELLED', dir, `The import of ${source} into ${dir} was cancelled.`, ZARR_HINTS.cancelled, { cause: error });
    throw error;
  } finally {
    await input.close();
  }
}

/** Removes a half-written import: the folder it created, or what it wrote into an empty folder it was given. */
async function removeImport(dir: string, existed: boolean): Promise<void> {
  if (!existed) return rm(dir, { recursive: true, force: true });
  for (const entry of await readdir(dir)) await rm(path.join(dir, entry), { recursive: true, force: true });
}
