import { describe, expect, it } from 'vitest';
import { MeshExportError } from './MeshExportError.js';
import { segmentationFromVolume } from './segmentationFromVolume.js';

const base = { source: '/data/seg.tif', width: 2, height: 1, depth: 1 };

describe('segmentationFromVolume', () => {
  it('takes uint32 ids as they are and 16-bit ids widened, with the file’s voxel size in nm', () => {
    const ids = Uint32Array.from([0, 4000000000]);
    const { segmentation, voxelSizeKnown } = segmentationFromVolume({ ...base, dtype: 'uint32', data: ids, voxelSize: { x: 0.004, y: 0.004, z: 0.05, unit: 'µm' } });
    expect(segmentation.ids).toBe(ids);
    expect(segmentation.voxelSize).toEqual({ x: 4, y: 4, z: 50 });
    expect(voxelSizeKnown).toBe(true);
    const wide = segmentationFromVolume({ ...base, dtype: 'uint16', data: Uint16Array.from([3, 65535]), voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } });
    expect(wide.segmentation.ids).toEqual(Uint32Array.from([3, 65535]));
  });

  it('prefers the voxel size given, and says when neither the caller nor the file knows it', () => {
    const volume = { ...base, dtype: 'uint8' as const, data: Uint8Array.from([1, 2]), voxelSize: { x: 1, y: 1, z: 1, unit: 'px' } };
    expect(segmentationFromVolume(volume)).toMatchObject({ voxelSizeKnown: false, segmentation: { voxelSize: { x: 1, y: 1, z: 1 } } });
    expect(segmentationFromVolume(volume, { x: 4, y: 4, z: 50 })).toMatchObject({ voxelSizeKnown: true, segmentation: { voxelSize: { x: 4, y: 4, z: 50 } } });
  });

  it('refuses floating point voxels, naming the file', () => {
    const call = () => segmentationFromVolume({ ...base, dtype: 'float32', data: new Float32Array(2), voxelSize: { x: 1, y: 1, z: 1, unit: 'px' } });
    expect(call).toThrow(MeshExportError);
    expect(call).toThrow(/\/data\/seg.tif holds 32-bit floating point voxels, not neuron ids/);
  });
});
