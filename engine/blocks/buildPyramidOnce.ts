import { existsSync } from 'node:fs';
import { buildPyramid, type BuildPyramidOptions } from '../zarr/buildPyramid.js';
import { openOmeZarr } from '../zarr/omeZarr.js';
import { writeFileAtomic } from '../base/atomicWrite.js';

/**
 * Builds levels 1… of the OME-Zarr at `folder` from its level 0 (chunk by chunk), unless
 * `marker` says that was done, then writes the marker durably. A rerun after a kill builds them
 * again, with the same bytes. Returns the number of levels.
 */
export async function buildPyramidOnce(folder: string, marker: string, options: BuildPyramidOptions): Promise<number> {
  const image = await openOmeZarr(folder);
  if (!existsSync(marker)) {
    if (image.levels.length > 1) await buildPyramid(image, options);
    await writeFileAtomic(marker, '', { createFolder: true });
  }
  return image.levels.length;
}
