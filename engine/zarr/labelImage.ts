import path from 'node:path';
import type { VoxelType } from '../../protocol/contract.js';
import type { OmeZarr } from './omeZarr.js';
import { createOmeZarr, labelNames, openOmeZarr } from './omeZarr.js';
import type { Triple } from './omeMetadata.js';
import { ZARR_HINTS, ZarrError } from './ZarrError.js';
import { writeGroupNode } from './zarrNodes.js';

export interface CreateLabelImageOptions {
  /** Segment ids are uint32 (default); binary or probability labels may be uint8/uint16. */
  dtype?: VoxelType;
  chunks?: Triple;
}

/**
 * Adds an empty label image `labels/<name>` to an OME-Zarr image, following the NGFF
 * image-label convention: same shape, voxel size and levels as the image, listed in the
 * `labels` group, pointing back at the image with `source.image = '../../'`.
 */
export async function createLabelImage(image: OmeZarr, name: string, options: CreateLabelImageOptions = {}): Promise<OmeZarr> {
  if (!/^[\w.-]+$/.test(name)) {
    throw new ZarrError('UNSUPPORTED', `"${name}" cannot name a label image: use letters, digits, '.', '-' and '_' only.`, { file: image.dir, hint: 'Choose a plain name such as "segments" or "membranes".' });
  }
  const names = await labelNames(image.dir, image.version);
  const labelsDir = path.join(image.dir, 'labels');
  const list = names.includes(name) ? names : [...names, name];
  await writeGroupNode(labelsDir, image.version, image.version === 2 ? { labels: list } : { ome: { version: '0.5', labels: list } });
  const base = image.levels[0]!;
  const labels = await createOmeZarr(path.join(labelsDir, name), {
    shape: base.shape,
    dtype: options.dtype ?? 'uint32',
    chunks: options.chunks ?? base.chunks,
    voxelSize: image.voxelSize,
    levels: image.levels.length,
    version: image.version,
    name,
    label: true,
  });
  image.labels = list;
  return labels;
}

/** Opens `labels/<name>` of an OME-Zarr image and checks that it is a label image. */
export async function openLabelImage(imageDir: string, name: string): Promise<OmeZarr> {
  const dir = path.join(imageDir, 'labels', name);
  const labels = await openOmeZarr(dir);
  if (labels.kind !== 'label') {
    throw new ZarrError('INVALID_METADATA', `${dir} has no NGFF "image-label" metadata, so it is not a label image.`, { file: dir, hint: ZARR_HINTS.reexport });
  }
  return labels;
}
