import type { EdgeCrossing, PaddedMask } from './marchingCubes.js';
import type { VoxelSizeNm } from './Mesh.js';
import { sliceDistances } from './sliceDistances.js';

/**
 * Shape-based interpolation between slices (Raya & Udupa 1990; Herman et al. 1992) for marching
 * cubes: a vertex on an edge between two slices goes where the linear blend of the two slices'
 * signed distances to their outlines is zero, instead of halfway. Where a neuron's outline moves
 * from one slice to the next, the surface then slopes from one outline to the other; halfway
 * crossings make a flat ledge there, and in EM's thick slices (4 × 4 × 50 nm) those ledges are
 * the staircase seen in 3D. Edges within a slice keep their halfway crossing.
 *
 * Distances are clamped to one slice step (`reach`, default voxelSize.z): a ledge wider than two
 * steps keeps a flat middle, and the end of a neuron (nothing in the next slice) is rounded over
 * one step instead of stretched towards the next slice. Every crossing is strictly inside its
 * edge, so vertices never leave their edges and the mesh's triangles stay the same.
 */
export function sliceCrossings(mask: PaddedMask, voxelSize: VoxelSizeNm, reach = voxelSize.z): EdgeCrossing {
  const distances = sliceDistances(mask, voxelSize, reach);
  const { width, height } = mask;
  return (axis, i, j, k) => {
    if (axis !== 2) return 0.5;
    const here = distances[(k * height + j) * width + i]!;
    const next = distances[((k + 1) * height + j) * width + i]!;
    // Marching cubes asks only for edges with one end inside (< 0) and one outside (> 0).
    return here / (here - next);
  };
}
