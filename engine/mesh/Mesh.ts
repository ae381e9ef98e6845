/**
 * A closed triangle mesh: `positions` holds x, y, z per vertex (nanometres unless an exporter
 * scaled them), `indices` three vertex indices per triangle, counter-clockwise seen from outside
 * (so the right-hand normal points out of the neuron).
 */
export interface Mesh {
  positions: Float32Array;
  indices: Uint32Array;
}

/** Physical size of one voxel in nanometres. */
export interface VoxelSizeNm {
  x: number;
  y: number;
  z: number;
}

/** Triangles in a mesh. */
export function triangleCount(mesh: Mesh): number {
  return mesh.indices.length / 3;
}
