import type { Volume } from '../io/Volume.js';
import { nanometresPerUnit, toNanometres } from '../io/physicalUnit.js';
import type { VoxelSizeNm } from './Mesh.js';
import { MeshExportError } from './MeshExportError.js';
import type { Segmentation } from './exportPrecomputed.js';

/**
 * The neuron ids of a volume read from a file, with its voxel size in nanometres. uint32 is the
 * segmentation format; 8- and 16-bit label images are taken as ids too. The voxel size is
 * `voxelSize` when given, else the file's when it names a length unit; `voxelSizeKnown` is false
 * when neither says (then 1 nm is used, and the caller should warn).
 */
export function segmentationFromVolume(volume: Pick<Volume, 'source' | 'width' | 'height' | 'depth' | 'dtype' | 'data' | 'voxelSize'>, voxelSize?: VoxelSizeNm): { segmentation: Segmentation; voxelSizeKnown: boolean } {
  if (volume.dtype === 'float32') {
    throw new MeshExportError('NOT_IDS', `${volume.source} holds 32-bit floating point voxels, not neuron ids.`, { file: volume.source, hint: 'Open the segmentation: a uint32 (or 8/16-bit) TIFF stack with one whole-number id per neuron, 0 for boundaries.' });
  }
  const ids = volume.data instanceof Uint32Array ? volume.data : Uint32Array.from(volume.data);
  const segmentation = { ids, width: volume.width, height: volume.height, depth: volume.depth, voxelSize: voxelSize ?? { x: 1, y: 1, z: 1 } };
  if (voxelSize) return { segmentation, voxelSizeKnown: true };
  const factor = nanometresPerUnit(volume.voxelSize.unit);
  if (typeof factor !== 'number') return { segmentation, voxelSizeKnown: false };
  segmentation.voxelSize = { x: toNanometres(volume.voxelSize.x, factor), y: toNanometres(volume.voxelSize.y, factor), z: toNanometres(volume.voxelSize.z, factor) };
  return { segmentation, voxelSizeKnown: true };
}
