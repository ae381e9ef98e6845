import type { Mesh } from '../Mesh.js';
import { meshNeurons } from '../meshNeuron.js';
import { labelVolume, type LabelVolume } from './labelVolume.js';

/**
 * Test support: a small segmentation at 4 × 4 × 50 nm with three neurons (a ring, a block with
 * a bump, a single voxel; ids 3, 17 and 4000000000) and their meshes.
 */
export async function sampleMeshes(): Promise<{ volume: LabelVolume; meshes: Map<number, Mesh> }> {
  const volume = labelVolume(70, 40, 20, (x, y, z) => {
    const ring = Math.hypot(x + 0.5 - 18, y + 0.5 - 20) - 12;
    if (ring * ring + ((z + 0.5 - 10) * 3) ** 2 <= 36) return 3;
    if (x >= 40 && x < 60 && y >= 10 && y < 30 && z >= 4 && (z < 12 || (z < 15 && x < 45))) return 17;
    if (x === 65 && y === 5 && z === 18) return 4000000000;
    return 0;
  });
  const meshes = await meshNeurons(volume.ids, volume.width, volume.height, volume.depth, { x: 4, y: 4, z: 50 });
  return { volume, meshes };
}
