import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { VoxelSize, VoxelType } from '../../protocol/contract.js';
import { pixelVoxelSize } from '../io/Volume.js';
import type { NgffMultiscale, NgffVersion } from './ngffSchema.js';
import { ngffBlock, ngffProblems } from './ngffSchema.js';
import type { Triple } from './omeMetadata.js';
import { buildImageAttributes, buildMultiscale, defaultLevelCount, levelShapes, voxelSizeFromNgff } from './omeMetadata.js';
import { ZARR_HINTS, ZarrError } from './ZarrError.js';
import type { StoredType, ZarrArray, ZarrVersion } from './zarrNodes.js';
import { metadataFile, openArrayNode, readJson, writeArrayNode, writeGroupNode } from './zarrNodes.js';
import { checkDatasetPath, checkScale, validateGroupMetadata } from './validateZarr.js';

/** One resolution level of an OME-Zarr image. */
export interface OmeZarrLevel {
  /** The array's path inside the image folder ('0', '1', ...). */
  path: string;
  /** The array's folder, for messages. */
  file: string;
  shape: Triple;
  chunks: Triple;
  /** Physical size of one voxel of this level in [z, y, x], in the image's unit. */
  scale: Triple;
  translation: Triple;
  /** The voxel type regions are read as (uint64 label ids read as uint32). */
  dtype: VoxelType;
  /** The voxel type on disk. */
  storedType: StoredType;
  /** Intensity levels are 2×2 means, label levels 2×2 modes. */
  kind: 'image' | 'label';
  array: ZarrArray;
}

/** An OME-Zarr image or label image, created or opened. */
export interface OmeZarr {
  dir: string;
  version: ZarrVersion;
  kind: 'image' | 'label';
  name: string;
  dtype: VoxelType;
  voxelSize: VoxelSize;
  levels: OmeZarrLevel[];
  /** Names of the label images under `labels/` (images only). */
  labels: string[];
}

export interface CreateOmeZarrOptions {
  /** Level-0 size in [z, y, x] voxels. */
  shape: Triple;
  dtype: VoxelType;
  /** Chunk size in [z, y, x], clipped to each level (default [16, 256, 256]). */
  chunks?: Triple;
  voxelSize?: VoxelSize;
  /** Number of levels (default: halving x and y until both are at most 512). */
  levels?: number;
  /** 2: NGFF 0.4 on Zarr v2; 3: NGFF 0.5 on Zarr v3 (default). */
  version?: ZarrVersion;
  compression?: 'gzip' | 'none';
  name?: string;
  /** A label image (image-label metadata, 2×2 mode pyramid); see createLabelImage. */
  label?: boolean;
  /** Write into a folder that already holds files. */
  overwrite?: boolean;
}

export const DEFAULT_CHUNKS: Triple = [16, 256, 256];

function ngffVersion(version: ZarrVersion): NgffVersion {
  return version === 2 ? '0.4' : '0.5';
}

/** Creates the groups and empty level arrays of an OME-Zarr image; fill level 0, then call buildPyramid. */
export async function createOmeZarr(dir: string, options: CreateOmeZarrOptions): Promise<OmeZarr> {
  const { shape, dtype, version = 3, compression = 'gzip', label = false } = options;
  if (shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new ZarrError('UNSUPPORTED', `${dir}: the shape [${shape.join(', ')}] is not three positive whole numbers [z, y, x].`, { file: dir, hint: 'Give the volume size as [depth, height, width] in voxels.' });
  }
  const chunks = options.chunks ?? DEFAULT_CHUNKS;
  if (chunks.length !== 3 || !chunks.every((n) => Number.isInteger(n) && n > 0)) {
    throw new ZarrError('UNSUPPORTED', `${dir}: the chunk size [${chunks.join(', ')}] is not three positive whole numbers [z, y, x].`, { file: dir, hint: 'Give chunks like 16,256,256.' });
  }
  if (!options.overwrite) await assertEmpty(dir);
  const count = options.levels ?? defaultLevelCount(shape);
  const voxelSize = options.voxelSize ?? pixelVoxelSize();
  const name = options.name ?? path.basename(dir).replace(/\.ome\.zarr$|\.zarr$/i, '');
  const multiscale = buildMultiscale(ngffVersion(version), name, voxelSize, count, label);
  await writeGroupNode(dir, version, buildImageAttributes(ngffVersion(version), multiscale, label));
  const shapes = levelShapes(shape, count);
  for (let level = 0; level < count; level++) {
    const levelChunks = chunks.map((c, a) => Math.min(c, shapes[level]![a]!));
    await writeArrayNode(path.join(dir, String(level)), version, { shape: shapes[level]!, chunks: levelChunks, dtype, compression, dimensionNames: ['z', 'y', 'x'] });
  }
  return openOmeZarr(dir);
}

/**
 * Opens the OME-Zarr at `dir`, or creates it as createOmeZarr does when it has no group metadata
 * yet: a folder a crash left without it is emptied and made again.
 */
export async function openOrCreateOmeZarr(dir: string, options: CreateOmeZarrOptions): Promise<OmeZarr> {
  if (await stat(metadataFile(dir, options.version ?? 3)).catch(() => undefined)) return openOmeZarr(dir);
  await rm(dir, { recursive: true, force: true });
  return createOmeZarr(dir, options);
}

async function assertEmpty(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new ZarrError('ALREADY_EXISTS', `${dir} already exists and is not empty.`, { file: dir, hint: 'Choose a new folder for the OME-Zarr dataset, or delete the old one first.' });
  }
}

/** Opens and checks an OME-Zarr image (NGFF 0.4 on Zarr v2 or 0.5 on Zarr v3) with 3 space axes z, y, x. */
export async function openOmeZarr(dir: string): Promise<OmeZarr> {
  const stats = await stat(dir).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new ZarrError('NOT_OME_ZARR', `${dir} is not a folder, so it is not an OME-Zarr dataset.`, { file: dir, hint: 'Choose the .ome.zarr folder itself (the one holding zarr.json or .zattrs).' });
  }
  const v3 = await readJson(path.join(dir, 'zarr.json'));
  const v2 = v3 === undefined ? await readJson(path.join(dir, '.zattrs')) : undefined;
  const version: ZarrVersion = v3 !== undefined ? 3 : 2;
  const file = metadataFile(dir, version);
  if (v3 === undefined && v2 === undefined) {
    throw new ZarrError('NOT_OME_ZARR', `${dir} is not an OME-Zarr dataset: it holds neither zarr.json (Zarr v3) nor .zattrs (Zarr v2).`, { file: dir, hint: 'Choose the .ome.zarr folder itself, or convert the stack with `membrana import`.' });
  }
  let attributes: unknown = v2;
  if (version === 3) {
    validateGroupMetadata(v3, file);
    attributes = (v3 as { attributes?: unknown }).attributes;
  } else {
    validateGroupMetadata(await readJson(path.join(dir, '.zgroup')), path.join(dir, '.zgroup'));
  }
  const ngff = ngffVersion(version);
  const block = ngffBlock(attributes, ngff);
  if (!block || !Array.isArray(block.multiscales)) {
    throw new ZarrError('NOT_OME_ZARR', `${file} has no NGFF "multiscales" metadata${version === 3 ? ' under attributes.ome' : ''}, so ${dir} is not an OME-Zarr image.`, { file, hint: ZARR_HINTS.reexport });
  }
  const problems = ngffProblems(attributes, ngff);
  if (problems.length > 0) {
    throw new ZarrError('INVALID_METADATA', `${file} breaks the OME-NGFF ${ngff} rules: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}.`, { file, hint: ZARR_HINTS.reexport });
  }
  const multiscale = (block.multiscales as NgffMultiscale[])[0]!;
  const axisNames = multiscale.axes.map((axis) => axis.name.toLowerCase());
  if (axisNames.join(',') !== 'z,y,x' || multiscale.axes.some((axis) => axis.type !== 'space')) {
    throw new ZarrError('UNSUPPORTED', `${file}: the axes are ${multiscale.axes.map((a) => `${a.name} (${a.type ?? 'no type'})`).join(', ')}; Membrana reads 3D images with space axes z, y, x.`, { file, hint: 'Export a single-channel, single-timepoint 3D volume with axes z, y, x.' });
  }
  const kind = 'image-label' in block ? 'label' : 'image';
  const levels: OmeZarrLevel[] = [];
  for (const dataset of multiscale.datasets) {
    checkDatasetPath(dataset.path, file);
    for (const t of dataset.coordinateTransformations) if (t.type === 'scale') checkScale(t.scale, file);
    levels.push(await openLevel(dir, version, dataset.path, dataset.coordinateTransformations, kind));
  }
  const dtype = levels[0]!.dtype;
  if (levels.some((level) => level.storedType !== levels[0]!.storedType)) {
    throw new ZarrError('INVALID_METADATA', `${file}: the levels have different data types (${levels.map((l) => l.storedType).join(', ')}).`, { file, hint: ZARR_HINTS.reexport });
  }
  return {
    dir,
    version,
    kind,
    name: multiscale.name ?? path.basename(dir),
    dtype,
    voxelSize: voxelSizeFromNgff(multiscale.axes, levels[0]!.scale),
    levels,
    labels: kind === 'image' ? await labelNames(dir, version) : [],
  };
}

const READABLE_TYPES = new Set<string>(['uint8', 'uint16', 'uint32', 'float32', 'uint64']);

async function openLevel(dir: string, version: ZarrVersion, relative: string, transformations: NgffMultiscale['datasets'][number]['coordinateTransformations'], kind: 'image' | 'label'): Promise<OmeZarrLevel> {
  const array = await openArrayNode(dir, relative, version);
  const file = path.join(dir, relative);
  if (array.shape.length !== 3) {
    throw new ZarrError('INVALID_METADATA', `${file} has ${array.shape.length} dimensions, but the image has 3 axes (z, y, x).`, { file, hint: ZARR_HINTS.reexport });
  }
  const storedType = array.dtype as string;
  if (!READABLE_TYPES.has(storedType) || (storedType === 'uint64' && kind !== 'label')) {
    throw new ZarrError('UNSUPPORTED', `${file} holds ${storedType} voxels; Membrana reads uint8, uint16, uint32 and float32 images and uint32/uint64 labels.`, { file, hint: 'Convert the data to one of those types (for example with ome-zarr-py or Fiji), then open it again.' });
  }
  const scale = transformations.find((t) => t.type === 'scale') as { scale: Triple } | undefined;
  const translation = transformations.find((t) => t.type === 'translation') as { translation: Triple } | undefined;
  return {
    path: relative,
    file,
    shape: array.shape as Triple,
    chunks: array.chunks as Triple,
    scale: scale!.scale,
    translation: translation?.translation ?? [0, 0, 0],
    dtype: storedType === 'uint64' ? 'uint32' : (storedType as VoxelType),
    storedType: storedType as StoredType,
    kind,
    array,
  };
}

/** Names listed by the `labels` group (NGFF: `labels` in its attributes, under `ome` in 0.5). */
export async function labelNames(dir: string, version: ZarrVersion): Promise<string[]> {
  const labelsDir = path.join(dir, 'labels');
  const json = await readJson(metadataFile(labelsDir, version));
  const attributes = version === 3 ? (json as { attributes?: unknown } | undefined)?.attributes : json;
  const block = ngffBlock(attributes, ngffVersion(version));
  return Array.isArray(block?.labels) ? block.labels.filter((name): name is string => typeof name === 'string') : [];
}
