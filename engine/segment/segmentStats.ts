import type { VoxelSize } from '../../protocol/contract.js';
import { nanometresPerUnit } from '../io/physicalUnit.js';

/** One neuron's size and extent, for lists and for placing meshes. */
export interface SegmentStats {
  id: number;
  voxels: number;
  /** µm³ (voxels × the voxel's volume); null when the voxel size is not in a known length unit. */
  volume: number | null;
  /** Slices that hold at least one of its voxels. */
  slices: number;
  firstSlice: number;
  lastSlice: number;
  /** Inclusive voxel bounds. */
  bbox: { minX: number; minY: number; minZ: number; maxX: number; maxY: number; maxZ: number };
}

/** Stats of every id present in `ids` (z-major, 0 = boundary, not listed), in increasing id order. */
export function segmentStats(ids: Uint32Array, width: number, height: number, depth: number, voxelSize: VoxelSize): SegmentStats[] {
  const plane = width * height;
  if (ids.length !== plane * depth) throw new RangeError(`segmentStats: ids hold ${ids.length} voxels, not ${width} × ${height} × ${depth}.`);
  let maxId = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i]! > maxId) maxId = ids[i]!;
  // Ids from other tools can be sparse (hashes up to 2^32): count those in a dense copy.
  if (maxId > ids.length) return sparseStats(ids, width, height, depth, voxelSize);
  const size = maxId + 1;
  const voxels = new Float64Array(size);
  const slices = new Int32Array(size);
  const lastSeenSlice = new Int32Array(size).fill(-1);
  const minX = new Int32Array(size).fill(width);
  const minY = new Int32Array(size).fill(height);
  const minZ = new Int32Array(size).fill(depth);
  const maxX = new Int32Array(size).fill(-1);
  const maxY = new Int32Array(size).fill(-1);
  const maxZ = new Int32Array(size).fill(-1);
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < height; y++) {
      const row = z * plane + y * width;
      for (let x = 0; x < width; x++) {
        const id = ids[row + x]!;
        if (id === 0) continue;
        voxels[id]!++;
        if (lastSeenSlice[id] !== z) {
          lastSeenSlice[id] = z;
          slices[id]!++;
          if (z < minZ[id]!) minZ[id] = z;
          maxZ[id] = z;
        }
        if (x < minX[id]!) minX[id] = x;
        if (x > maxX[id]!) maxX[id] = x;
        if (y < minY[id]!) minY[id] = y;
        if (y > maxY[id]!) maxY[id] = y;
      }
    }
  }
  const factor = nanometresPerUnit(voxelSize.unit);
  // nm³ → µm³.
  const voxelVolume = typeof factor === 'number' ? (voxelSize.x * voxelSize.y * voxelSize.z * factor ** 3) / 1e9 : null;
  const stats: SegmentStats[] = [];
  for (let id = 1; id < size; id++) {
    if (voxels[id] === 0) continue;
    stats.push({
      id,
      voxels: voxels[id]!,
      volume: voxelVolume === null ? null : voxels[id]! * voxelVolume,
      slices: slices[id]!,
      firstSlice: minZ[id]!,
      lastSlice: maxZ[id]!,
      bbox: { minX: minX[id]!, minY: minY[id]!, minZ: minZ[id]!, maxX: maxX[id]!, maxY: maxY[id]!, maxZ: maxZ[id]! },
    });
  }
  return stats;
}

/** segmentStats for sparse ids: on dense indices (in increasing id order), then the ids put back. */
function sparseStats(ids: Uint32Array, width: number, height: number, depth: number, voxelSize: VoxelSize): SegmentStats[] {
  const present = [...new Set(ids)].filter((id) => id !== 0).sort((a, b) => a - b);
  const index = new Map(present.map((id, k) => [id, k + 1]));
  const dense = ids.map((id) => (id === 0 ? 0 : index.get(id)!));
  return segmentStats(dense, width, height, depth, voxelSize).map((stats) => ({ ...stats, id: present[stats.id - 1]! }));
}
