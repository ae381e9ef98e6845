import { labelVolume, type LabelVolume } from './labelVolume.js';

/**
 * Test support: five neurons that cross the block borders block-wise meshing tests use (16 × 16
 * × 4 and others), touching each other and the volume's edges: a ball across block corners, a
 * tube along x through every block, a tube along z out of the top face, a slab in a corner, and
 * scattered single voxels.
 */
export function ballsAndTubes(width = 40, height = 36, depth = 14): LabelVolume {
  return labelVolume(width, height, depth, (x, y, z) => {
    if (Math.hypot(x - 15.5, y - 12, (z - 6) * 2.5) < 9) return 1;
    if (Math.hypot(y - 26, z - 7) < 4.2) return 2;
    if (Math.hypot(x - 33, y - 8) < 3 && z > 1) return 3;
    if (x < 3 && y > 30) return 4;
    if ((x * 7 + y * 3 + z * 5) % 11 === 0 && x > 20 && y < 20) return 5;
    return 0;
  });
}
