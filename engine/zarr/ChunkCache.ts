import type { VoxelArray } from '../io/Volume.js';
import { allocateVoxels } from '../io/Volume.js';
import type { OmeZarrLevel } from './omeZarr.js';
import { checkRegion, chunkError, narrowIds, readRegion, type Region } from './readRegion.js';

interface Entry {
  chunk: Promise<DecodedChunk>;
  bytes: number;
  used: number;
}

interface DecodedChunk {
  data: VoxelArray;
  /** The chunk's full shape [z, y, x] (edge chunks are stored full size too). */
  shape: number[];
}

/** A chunk stored in F order, which the cache's row copies do not handle. */
class NotCOrder extends Error {}

/** Decoded chunks kept by default: enough for the tiles of a few screens at several scales. */
export const DEFAULT_CHUNK_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * Reads regions of OME-Zarr levels through a cache of decoded chunks, least recently used
 * first out, under a byte budget. Viewing asks for 256² tiles of one slice; a chunk is often
 * bigger (an import writes 16 × 256 × 256, gzip), so without the cache each tile would read and
 * inflate a whole chunk, and the next slice the same chunk again. Concurrent requests for one
 * chunk share its read. Regions come back as readRegion gives them (uint64 ids as uint32).
 */
export class ChunkCache {
  private readonly entries = new Map<string, Entry>();
  private usedBytes = 0;
  private clock = 0;

  constructor(private readonly budgetBytes = DEFAULT_CHUNK_CACHE_BYTES) {}

  /** Bytes of decoded chunks held. */
  get bytes(): number {
    return this.usedBytes;
  }

  async readRegion(level: OmeZarrLevel, region: Region, signal?: AbortSignal): Promise<VoxelArray> {
    checkRegion(level, region);
    const [depth, height, width] = [region.z[1] - region.z[0], region.y[1] - region.y[0], region.x[1] - region.x[0]];
    const [cz, cy, cx] = level.chunks;
    const out = allocateVoxels(level.dtype, depth * height * width);
    const reads: Promise<void>[] = [];
    for (let kz = Math.floor(region.z[0] / cz); kz * cz < region.z[1]; kz++) {
      for (let ky = Math.floor(region.y[0] / cy); ky * cy < region.y[1]; ky++) {
        for (let kx = Math.floor(region.x[0] / cx); kx * cx < region.x[1]; kx++) {
          reads.push(
            this.chunk(level, [kz, ky, kx]).then((chunk) => {
              // The overlap of chunk and region, in volume coordinates.
              const z0 = Math.max(region.z[0], kz * cz), z1 = Math.min(region.z[1], (kz + 1) * cz);
              const y0 = Math.max(region.y[0], ky * cy), y1 = Math.min(region.y[1], (ky + 1) * cy);
              const x0 = Math.max(region.x[0], kx * cx), x1 = Math.min(region.x[1], (kx + 1) * cx);
              const [, sy, sx] = chunk.shape as [number, number, number];
              for (let z = z0; z < z1; z++) {
                for (let y = y0; y < y1; y++) {
                  const from = ((z - kz * cz) * sy + (y - ky * cy)) * sx + (x0 - kx * cx);
                  const to = ((z - region.z[0]) * height + (y - region.y[0])) * width + (x0 - region.x[0]);
                  out.set(chunk.data.subarray(from, from + (x1 - x0)), to);
                }
              }
            }),
          );
        }
      }
    }
    try {
      await Promise.all(reads);
    } catch (error) {
      if (error instanceof NotCOrder) return readRegion(level, region, signal);
      throw error;
    }
    signal?.throwIfAborted();
    return out;
  }

  /** Forgets every chunk of a level folder (a volume closed). */
  forget(folder: string): void {
    for (const [key, entry] of this.entries) {
      if (key.startsWith(`${folder}|`)) {
        this.entries.delete(key);
        this.usedBytes -= entry.bytes;
      }
    }
  }

  private chunk(level: OmeZarrLevel, coords: [number, number, number]): Promise<DecodedChunk> {
    const key = `${level.file}|${coords.join(',')}`;
    const hit = this.entries.get(key);
    if (hit) {
      hit.used = ++this.clock;
      return hit.chunk;
    }
    const bytesPerVoxel = level.dtype === 'uint8' ? 1 : level.dtype === 'uint16' ? 2 : 4;
    const bytes = level.chunks[0] * level.chunks[1] * level.chunks[2] * bytesPerVoxel;
    // Not tied to one caller's signal: other callers may be waiting on the same chunk.
    const chunk = level.array.getChunk(coords).then(
      (decoded): DecodedChunk => {
        const [, sy, sx] = decoded.shape as [number, number, number];
        const stride = decoded.stride as number[];
        // Copies below assume C order; an F-order chunk (Zarr v2 order "F") is refused here and read by readRegion instead.
        if (stride[2] !== 1 || stride[1] !== sx || stride[0] !== sx * sy) throw new NotCOrder();
        const data = decoded.data as unknown;
        return { data: data instanceof BigUint64Array ? narrowIds(data, level) : (data as VoxelArray), shape: decoded.shape };
      },
      (error: unknown) => {
        if (error instanceof NotCOrder) throw error;
        throw chunkError(level, `chunk (z, y, x) (${coords.join(', ')})`, error);
      },
    );
    const entry: Entry = { chunk, bytes, used: ++this.clock };
    this.entries.set(key, entry);
    this.usedBytes += bytes;
    // A failed read is not kept: the next request tries again.
    chunk.catch(() => {
      if (this.entries.get(key) === entry) {
        this.entries.delete(key);
        this.usedBytes -= bytes;
      }
    });
    this.evict();
    return chunk;
  }

  private evict(): void {
    if (this.usedBytes <= this.budgetBytes) return;
    const byAge = [...this.entries].sort((a, b) => a[1].used - b[1].used);
    for (const [key, entry] of byAge) {
      if (this.usedBytes <= this.budgetBytes) break;
      this.entries.delete(key);
      this.usedBytes -= entry.bytes;
    }
  }
}
