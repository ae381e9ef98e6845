import type { VoxelSize, VoxelType } from '../../protocol/contract.js';

/** Voxel values in memory; which one is given by `Volume.dtype`. */
export type VoxelArray = Uint8Array | Uint16Array | Uint32Array | Float32Array;

/** An image stack in memory, as read from a file, a folder of slices or dropped files. */
export interface Volume {
  /** Short display name (file or folder name). */
  name: string;
  /** Full path, or the dropped file's name. */
  source: string;
  /** What the file was, for people: 'TIFF (LZW, 16-bit)', 'PNG folder (30 slices, 8-bit)', ... */
  format: string;
  width: number;
  height: number;
  depth: number;
  dtype: VoxelType;
  /** z-major, then row-major: voxel (x, y, z) is at `(z * height + y) * width + x`. */
  data: VoxelArray;
  /** Unit 'px' and 1, 1, 1 when the file does not say. */
  voxelSize: VoxelSize;
}

/** The voxel size of a file that does not say. */
export function pixelVoxelSize(): VoxelSize {
  return { x: 1, y: 1, z: 1, unit: 'px' };
}

/** Bytes per voxel of each voxel type. */
export const BYTES_PER_VOXEL: Record<VoxelType, number> = { uint8: 1, uint16: 2, uint32: 4, float32: 4 };

/** A zeroed voxel array of the given type; a RangeError when it cannot be allocated. */
export function allocateVoxels(dtype: VoxelType, length: number): VoxelArray {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'float32':
      return new Float32Array(length);
  }
}

/** Human words for a voxel type, as used in `Volume.format`. */
export function describeVoxelType(dtype: VoxelType): string {
  return dtype === 'uint8' ? '8-bit' : dtype === 'uint16' ? '16-bit' : dtype === 'uint32' ? '32-bit unsigned' : '32-bit float';
}
