import * as zarr from 'zarrita';
import { isCancellation } from '../base/cancellation.js';
import type { VoxelArray } from '../io/Volume.js';
import type { OmeZarrLevel } from './omeZarr.js';
import { ZARR_HINTS, ZarrError } from './ZarrError.js';

/** A box of voxels: half-open ranges [start, end) per axis. */
export interface Region {
  z: [number, number];
  y: [number, number];
  x: [number, number];
}

/** The whole of a level as a region. */
export function fullRegion(level: OmeZarrLevel): Region {
  const [z, y, x] = level.shape;
  return { z: [0, z], y: [0, y], x: [0, x] };
}

/** Voxels in a region. */
export function regionSize(region: Region): number {
  return (region.z[1] - region.z[0]) * (region.y[1] - region.y[0]) * (region.x[1] - region.x[0]);
}

/** Throws OUT_OF_BOUNDS, naming the level and axis, for a region not inside the level. */
export function checkRegion(level: OmeZarrLevel, region: Region): void {
  (['z', 'y', 'x'] as const).forEach((axis, a) => {
    const [start, end] = region[axis];
    const size = level.shape[a]!;
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= size)) {
      throw new ZarrError('OUT_OF_BOUNDS', `${level.file}: the ${axis} range [${start}, ${end}) is not inside [0, ${size}).`, { file: level.file, hint: ZARR_HINTS.region });
    }
  });
}

function selection(region: Region): zarr.Slice[] {
  return [zarr.slice(region.z[0], region.z[1]), zarr.slice(region.y[0], region.y[1]), zarr.slice(region.x[0], region.x[1])];
}

/**
 * Reads a region of a level, z-major then row-major like Volume.data. Only the chunks that
 * overlap the region are read. uint64 label ids come back as uint32; an id that does not fit
 * is an error, since it would silently merge segments.
 */
export async function readRegion(level: OmeZarrLevel, region: Region, signal?: AbortSignal): Promise<VoxelArray> {
  checkRegion(level, region);
  let chunk: Awaited<ReturnType<typeof zarr.get>>;
  try {
    chunk = await zarr.get(level.array, selection(region), signal ? { signal } : undefined);
  } catch (error) {
    throw chunkError(level, `the region z ${region.z.join('–')}, y ${region.y.join('–')}, x ${region.x.join('–')}`, error);
  }
  const data = chunk.data as unknown;
  if (data instanceof BigUint64Array) return narrowIds(data, level);
  return data as VoxelArray;
}

/** One z-slice of a level (y × x voxels, row-major). */
export function readSlice(level: OmeZarrLevel, z: number, signal?: AbortSignal): Promise<VoxelArray> {
  const [, height, width] = level.shape;
  return readRegion(level, { z: [z, z + 1], y: [0, height], x: [0, width] }, signal);
}

/**
 * A chunk that cannot be read or decoded, as an error naming the array folder and where; a
 * cancel (AbortError) passes through as it is.
 */
export function chunkError(level: OmeZarrLevel, where: string, error: unknown): unknown {
  if (isCancellation(error) || error instanceof ZarrError) return error;
  return new ZarrError('CORRUPT_CHUNK', `${level.file}: ${where} cannot be read: ${(error as Error).message}${(error as Error).cause ? ` (${String(((error as Error).cause as Error).message ?? (error as Error).cause)})` : ''}.`, { file: level.file, hint: ZARR_HINTS.corruptChunk });
}

/** uint64 label ids as uint32; an id that does not fit is an error naming the file. */
export function narrowIds(ids: BigUint64Array, level: OmeZarrLevel): Uint32Array {
  const out = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id > 0xffffffffn) {
      throw new ZarrError('IDS_TOO_LARGE', `${level.file} holds the label id ${id}, larger than the 32-bit ids Membrana uses (up to 4294967295).`, { file: level.file, hint: 'Relabel the segments with consecutive ids (for example with fastremap.renumber in Python), then open them again.' });
    }
    out[i] = Number(id);
  }
  return out;
}

/**
 * Writes a region of a level from z-major, row-major data. Chunks only partly covered are read,
 * merged and written back, so aligning regions to chunks is faster.
 */
export async function writeRegion(level: OmeZarrLevel, region: Region, data: VoxelArray): Promise<void> {
  checkRegion(level, region);
  const expected = regionSize(region);
  if (data.length !== expected) {
    throw new ZarrError('OUT_OF_BOUNDS', `${level.file}: ${data.length} voxels were given for a region of ${expected}.`, { file: level.file, hint: 'Pass exactly one value per voxel of the region (z-major, then row-major).' });
  }
  const shape = [region.z[1] - region.z[0], region.y[1] - region.y[0], region.x[1] - region.x[0]];
  const stride = [shape[1]! * shape[2]!, shape[2]!, 1];
  const value = (level.storedType === 'uint64' ? BigUint64Array.from(data, (v) => BigInt(v)) : data) as zarr.Chunk<zarr.DataType>['data'];
  await zarr.set(level.array, selection(region), { data: value, shape, stride } as zarr.Chunk<zarr.DataType>);
}
