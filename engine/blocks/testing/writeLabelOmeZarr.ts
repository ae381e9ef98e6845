import type { VoxelType } from '../../../protocol/contract.js';
import type { LabelVolume } from '../../mesh/testing/labelVolume.js';
import { createOmeZarr } from '../../zarr/omeZarr.js';
import { fullRegion, writeRegion } from '../../zarr/readRegion.js';

/** Test support: a label volume as a one-level OME-Zarr label image (NGFF 0.5 unless `version` 2), 4 × 4 × 50 nm. */
export async function writeLabelOmeZarr(dir: string, volume: LabelVolume, chunks: [number, number, number], options: { version?: 2 | 3; dtype?: VoxelType } = {}): Promise<string> {
  const dtype = options.dtype ?? 'uint32';
  const image = await createOmeZarr(dir, { shape: [volume.depth, volume.height, volume.width], dtype, chunks, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' }, levels: 1, version: options.version ?? 3, label: dtype !== 'float32' });
  const level = image.levels[0]!;
  const data = dtype === 'float32' ? Float32Array.from(volume.ids) : dtype === 'uint16' ? Uint16Array.from(volume.ids) : dtype === 'uint8' ? Uint8Array.from(volume.ids) : volume.ids;
  await writeRegion(level, fullRegion(level), data);
  return dir;
}
