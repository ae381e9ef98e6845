import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Slice, Tile, VolumeInfo, VoxelType } from '../protocol/contract.js';
import { CallError } from './CallError.js';
import { intensityStats } from './io/intensityWindow.js';
import { openOmeZarr, type OmeZarr } from './zarr/omeZarr.js';
import { ChunkCache } from './zarr/ChunkCache.js';
import { readSlice } from './zarr/readRegion.js';

/** Tiles are this many pixels square at every scale. */
export const TILE_SIZE = 256;
/** Whole slices are served (getSlice) only up to this many pixels; bigger ones go by tiles. */
const MAX_WHOLE_SLICE = 4096 * 4096;

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
 * Volumes read lazily from OME-Zarr: opening reads only the metadata and one coarse slice (for
 * the display window); the viewer then asks for the tiles it shows, at the scale it shows them,
 * and only the chunks under those tiles are read.
 */
export class LazyVolumes {
  private readonly open = new Map<string, { zarr: OmeZarr; info: VolumeInfo }>();
  /** Decoded chunks shared by every open volume: neighbouring tiles and slices reuse them. */
  private readonly chunks = new ChunkCache();

  async openFolder(target: string): Promise<VolumeInfo> {
    const zarr = await openOmeZarr(target);
    const [depth, height, width] = zarr.levels[0]!.shape;
    const coarsest = zarr.levels[zarr.levels.length - 1]!;
    // The display window from one coarse slice; a damaged chunk there must not keep the volume
    // closed (its tiles say so when shown), so fall back to the voxel type's full range.
    // Labels have no display window: skip the read (a single-level label image's slice is full size).
    const sample = zarr.kind === 'label' ? null : await readSlice(coarsest, Math.floor(coarsest.shape[0] / 2)).catch(() => null);
    // Opening a folder again (a segmentation still being written, a pyramid just built) reads it afresh.
    for (const level of zarr.levels) this.chunks.forget(level.file);
    const { range, window } = sample ? intensityStats({ dtype: zarr.dtype, data: sample, width: coarsest.shape[2] }) : fullRangeStats(zarr.dtype);
    const levels = zarr.levels.map((level) => ({
      width: level.shape[2],
      height: level.shape[1],
      depth: level.shape[0],
      factor: { x: width / level.shape[2], y: height / level.shape[1], z: depth / level.shape[0] },
    }));
    const info: VolumeInfo = {
      id: randomUUID(),
      name: path.basename(target),
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
      ...(zarr.kind === 'label' ? { isLabels: true } : {}),
      ...(zarr.labels.length > 0 ? { labels: zarr.labels } : {}),
    };
    this.open.set(info.id, { zarr, info });
    return info;
  }

  /** A lazily read volume's info; undefined when it is not one of these. */
  info(volumeId: string): VolumeInfo | undefined {
    return this.open.get(volumeId)?.info;
  }

  /** The OME-Zarr folder a volume is read from; undefined when it is not one of these. */
  folder(volumeId: string): string | undefined {
    return this.open.get(volumeId)?.zarr.dir;
  }

  has(volumeId: string): boolean {
    return this.open.has(volumeId);
  }

  close(volumeId: string): void {
    const entry = this.open.get(volumeId);
    // Another open of the same folder may still use its chunks.
    if (entry && ![...this.open.values()].some((other) => other !== entry && other.zarr.dir === entry.zarr.dir)) {
      for (const level of entry.zarr.levels) this.chunks.forget(level.file);
    }
    this.open.delete(volumeId);
  }

  async tile(volumeId: string, level: number, z: number, tx: number, ty: number, signal?: AbortSignal): Promise<Tile> {
    const { zarr, info } = this.get(volumeId);
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
    const data = await this.chunks.readRegion(scale, { z: [z, z + 1], y: [y0, y1], x: [x0, x1] }, signal);
    return { volumeId, level, z, tx, ty, width: x1 - x0, height: y1 - y0, dtype: zarr.dtype, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
  }

  /** A whole finest-scale slice, for volumes small enough to hold one. */
  async slice(volumeId: string, z: number): Promise<Slice> {
    const { zarr, info } = this.get(volumeId);
    if (info.width * info.height > MAX_WHOLE_SLICE) {
      throw new CallError('TOO_LARGE', `A slice of ${info.name} is ${info.width} × ${info.height} pixels; it is viewed tile by tile.`, 'Use the tiles (getTile) at the scale you show.');
    }
    if (!Number.isInteger(z) || z < 0 || z >= info.depth) throw new CallError('BAD_ARGUMENT', `Slice ${String(z)} is outside ${info.name} (0–${info.depth - 1}).`);
    const data = await readSlice(zarr.levels[0]!, z);
    return { volumeId, z, width: info.width, height: info.height, dtype: zarr.dtype, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
  }

  private get(volumeId: string): { zarr: OmeZarr; info: VolumeInfo } {
    const entry = this.open.get(volumeId);
    if (!entry) throw new CallError('NO_SUCH_VOLUME', `Volume ${volumeId} is not open in the engine.`, 'Open the file again.');
    return entry;
  }
}
