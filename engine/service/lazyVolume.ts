import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Slice, TiledVolumeInfo, Tile, VoxelType } from '../../protocol/contract.js';
import { intensityStats } from '../io/intensityWindow.js';
import type { ChunkCache } from '../zarr/ChunkCache.js';
import { openOmeZarr, type OmeZarr } from '../zarr/omeZarr.js';
import { readSlice } from '../zarr/readRegion.js';
import { CallError } from './CallError.js';
import { logger } from '../base/log.js';

const log = logger('volumes');

/** Tiles are this many pixels square at every scale. */
export const TILE_SIZE = 256;
/** Whole slices are served (getSlice) only up to this many pixels; bigger ones go by tiles. */
const MAX_WHOLE_SLICE = 4096 * 4096;

/** An OME-Zarr volume read lazily: its metadata and the info the UI got. */
export interface LazyVolume {
  zarr: OmeZarr;
  info: TiledVolumeInfo;
}

/** The display range of a voxel type, when no voxels could be sampled. */
function fullRangeStats(dtype: VoxelType): { range: { min: number; max: number }; window: { low: number; high: number } } {
  const high = dtype === 'uint8' ? 255 : dtype === 'uint16' ? 65535 : dtype === 'uint32' ? 4294967295 : 1;
  return { range: { min: 0, max: high }, window: { low: 0, high } };
}

/** True for a folder that holds OME-Zarr (Zarr v2 .zattrs or v3 zarr.json at its top). */
export function isOmeZarrFolder(target: string): boolean {
  return existsSync(path.join(target, '.zattrs')) || existsSync(path.join(target, 'zarr.json'));
}

/**
 * Opens an OME-Zarr volume to be read lazily: only the metadata and one coarse slice (for the
 * display window) are read; the viewer then asks for the tiles it shows, at the scale it shows
 * them, and only the chunks under those tiles are read (through `chunks`, shared by every open
 * volume).
 */
export async function openLazyVolume(id: string, target: string, chunks: ChunkCache, name = path.basename(target)): Promise<LazyVolume> {
  const zarr = await openOmeZarr(target);
  const [depth, height, width] = zarr.levels[0]!.shape;
  const coarsest = zarr.levels[zarr.levels.length - 1]!;
  // The display window from one coarse slice; a damaged chunk there must not keep the volume
  // closed (its tiles say so when shown), so fall back to the voxel type's full range.
  // Labels have no display window: skip the read (a single-level label image's slice is full size).
  const sample =
    zarr.kind === 'label'
      ? null
      : await readSlice(coarsest, Math.floor(coarsest.shape[0] / 2)).catch((error: Error) => {
          log.warn('Could not read a coarse slice for the display window; using the full range of the voxel type', { file: coarsest.file, error: error.message });
          return null;
        });
  // Opening a folder again (a segmentation still being written, a pyramid just built) reads it afresh.
  for (const level of zarr.levels) chunks.forget(level.file);
  const { range, window } = sample ? intensityStats({ dtype: zarr.dtype, data: sample, width: coarsest.shape[2] }) : fullRangeStats(zarr.dtype);
  const levels = zarr.levels.map((level) => ({
    width: level.shape[2],
    height: level.shape[1],
    depth: level.shape[0],
    factor: { x: width / level.shape[2], y: height / level.shape[1], z: depth / level.shape[0] },
  }));
  const info: TiledVolumeInfo = {
    kind: 'tiled',
    id,
    name,
    source: target,
    format: `OME-Zarr (NGFF ${zarr.version === 3 ? '0.5, Zarr v3' : '0.4, Zarr v2'}, ${levels.length} scale${levels.length === 1 ? '' : 's'})`,
    width,
    height,
    depth,
    dtype: zarr.dtype,
    voxelSize: zarr.voxelSize,
    range,
    window,
    levels,
    tileSize: TILE_SIZE,
    content: zarr.kind === 'label' ? 'labels' : 'image',
    labels: zarr.labels,
  };
  return { zarr, info };
}

/** Tile (tx, ty) of slice z at scale `level`, read through the chunk cache. */
export async function readLazyTile({ zarr, info }: LazyVolume, chunks: ChunkCache, level: number, z: number, tx: number, ty: number, signal?: AbortSignal): Promise<Tile> {
  const scale = zarr.levels[level];
  if (!Number.isInteger(level) || !scale) throw new CallError('BAD_ARGUMENT', `${info.name} has scales 0–${zarr.levels.length - 1}, not ${String(level)}.`);
  const [depth, height, width] = scale.shape;
  const x0 = tx * TILE_SIZE;
  const y0 = ty * TILE_SIZE;
  if (!Number.isInteger(z) || z < 0 || z >= depth || !Number.isInteger(tx) || !Number.isInteger(ty) || tx < 0 || ty < 0 || x0 >= width || y0 >= height) {
    throw new CallError('BAD_ARGUMENT', `Tile (${String(tx)}, ${String(ty)}) of slice ${String(z)} is outside scale ${level} of ${info.name} (${width} × ${height} × ${depth}).`);
  }
  const x1 = Math.min(width, x0 + TILE_SIZE);
  const y1 = Math.min(height, y0 + TILE_SIZE);
  const data = await chunks.readRegion(scale, { z: [z, z + 1], y: [y0, y1], x: [x0, x1] }, signal);
  return { volumeId: info.id, level, z, tx, ty, width: x1 - x0, height: y1 - y0, dtype: zarr.dtype, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
}

/** A whole finest-scale slice, for volumes small enough to hold one. */
export async function readLazySlice({ zarr, info }: LazyVolume, z: number): Promise<Slice> {
  if (info.width * info.height > MAX_WHOLE_SLICE) {
    throw new CallError('TOO_LARGE', `A slice of ${info.name} is ${info.width} × ${info.height} pixels; it is viewed tile by tile.`, { hint: 'Use the tiles (getTile) at the scale you show.' });
  }
  if (!Number.isInteger(z) || z < 0 || z >= info.depth) throw new CallError('BAD_ARGUMENT', `Slice ${String(z)} is outside ${info.name} (0–${info.depth - 1}).`);
  const data = await readSlice(zarr.levels[0]!, z);
  return { volumeId: info.id, z, width: info.width, height: info.height, dtype: zarr.dtype, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
}
