import { randomUUID } from 'node:crypto';
import type { MemoryVolumeInfo, Slice, Tile, TiledVolumeInfo, VolumeInfo } from '../../protocol/contract.js';
import { intensityStats } from '../io/intensityWindow.js';
import type { Volume } from '../io/Volume.js';
import { ChunkCache } from '../zarr/ChunkCache.js';
import { CallError } from './CallError.js';
import { openLazyVolume, readLazySlice, readLazyTile, type LazyVolume } from './lazyVolume.js';

/** An open volume: held in memory, or read lazily from OME-Zarr. */
type OpenVolume = { info: MemoryVolumeInfo; volume: Volume } | LazyVolume;

/**
 * Every volume the engine has open, by id: stacks held in memory and OME-Zarr volumes read
 * tile by tile live side by side, so calls (getSlice, closeVolume, a project's image) need not
 * know which kind they hold.
 */
export class VolumeRegistry {
  private readonly open = new Map<string, OpenVolume>();
  /** Decoded chunks shared by every lazy volume: neighbouring tiles and slices reuse them. */
  private readonly chunks = new ChunkCache();

  /** Registers a volume held in memory; returns its info (display range and window measured). */
  add(volume: Volume, name = volume.name): MemoryVolumeInfo {
    const { range, window } = intensityStats(volume);
    const info: MemoryVolumeInfo = {
      kind: 'memory',
      id: randomUUID(),
      name,
      source: volume.source,
      format: volume.format,
      width: volume.width,
      height: volume.height,
      depth: volume.depth,
      dtype: volume.dtype,
      voxelSize: volume.voxelSize,
      range,
      window,
    };
    this.open.set(info.id, { volume, info });
    return info;
  }

  /** Opens an OME-Zarr folder to be read tile by tile (it may be far larger than memory). */
  async openOmeZarr(folder: string, name?: string): Promise<TiledVolumeInfo> {
    const lazy = await openLazyVolume(randomUUID(), folder, this.chunks, name);
    this.open.set(lazy.info.id, lazy);
    return lazy.info;
  }

  /** An open volume's info; undefined when it is not open. */
  info(volumeId: string): VolumeInfo | undefined {
    return this.open.get(volumeId)?.info;
  }

  /** The voxels of a volume held in memory; undefined for one read lazily or not open. */
  inMemory(volumeId: string): Volume | undefined {
    const entry = this.open.get(volumeId);
    return entry && 'volume' in entry ? entry.volume : undefined;
  }

  /** The OME-Zarr folder a lazily read volume comes from; undefined for one in memory or not open. */
  omeZarrFolder(volumeId: string): string | undefined {
    const entry = this.open.get(volumeId);
    return entry && 'zarr' in entry ? entry.zarr.dir : undefined;
  }

  /** Slice z, whole (a copy for a volume in memory, so transferring it never detaches the volume). */
  async slice(volumeId: string, z: number): Promise<Slice> {
    const entry = this.get(volumeId);
    if ('zarr' in entry) return readLazySlice(entry, z);
    const { volume } = entry;
    if (!Number.isInteger(z) || z < 0 || z >= volume.depth) {
      throw new CallError('BAD_ARGUMENT', `Slice ${String(z)} is outside ${volume.name} (0–${volume.depth - 1}).`, { hint: 'Pick a slice inside the stack.' });
    }
    const n = volume.width * volume.height;
    const data = volume.data.slice(z * n, (z + 1) * n).buffer as ArrayBuffer;
    return { volumeId, z, width: volume.width, height: volume.height, dtype: volume.dtype, data };
  }

  /** A tile of a tiled volume (TiledVolumeInfo.levels says which exist). */
  async tile(volumeId: string, level: number, z: number, tx: number, ty: number, signal?: AbortSignal): Promise<Tile> {
    const entry = this.get(volumeId);
    if (!('zarr' in entry)) {
      throw new CallError('BAD_ARGUMENT', `${entry.info.name} is held in memory and is read by whole slices, not by tiles.`, { hint: 'Ask for its slices (getSlice).' });
    }
    return readLazyTile(entry, this.chunks, level, z, tx, ty, signal);
  }

  /** Forgets a volume (nothing happens for one not open). */
  close(volumeId: string): void {
    const entry = this.open.get(volumeId);
    this.open.delete(volumeId);
    if (!entry || !('zarr' in entry)) return;
    // Another open of the same folder may still use its chunks.
    const shared = [...this.open.values()].some((other) => 'zarr' in other && other.zarr.dir === entry.zarr.dir);
    if (!shared) for (const level of entry.zarr.levels) this.chunks.forget(level.file);
  }

  private get(volumeId: string): OpenVolume {
    const entry = this.open.get(volumeId);
    if (!entry) throw new CallError('NO_SUCH_VOLUME', `Volume ${volumeId} is not open in the engine.`, { hint: 'Open the file again.' });
    return entry;
  }
}
