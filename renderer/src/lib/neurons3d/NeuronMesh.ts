/**
 * What the 3D view is given: neuron surfaces in physical units (nm) and the volume they sit in.
 *
 * Coordinates: x along image columns, y along image rows (down), z along slices, in nm from the
 * volume's corner. Voxel (i, j, k) spans [i·x, (i+1)·x) × [j·y, (j+1)·y) × [k·z, (k+1)·z), so
 * the volume box is [0, width·x] × [0, height·y] × [0, depth·z] and slice k lies at (k + ½)·z.
 */

/** Red, green, blue in 0..1 (sRGB). */
export type Rgb = readonly [number, number, number];

/** An indexed triangle list. The arrays are used as they are (not copied): do not change them later. */
export interface NeuronGeometry {
  /** x, y, z per vertex, in nm. */
  positions: Float32Array;
  /** Three vertex indices per triangle. */
  indices: Uint32Array;
}

export interface NeuronMesh extends NeuronGeometry {
  /** The segment id: what picking reports and selection, hiding and isolation refer to. */
  id: number;
  color: Rgb;
  /**
   * Decimated versions, finest first (one or several), drawn instead of the full mesh when the
   * frame's triangle budget is spent (see chooseDetailLevels).
   */
  lod?: NeuronGeometry | readonly NeuronGeometry[] | null;
}

/** A neuron's levels of detail: the full mesh first, then its decimated versions. */
export function detailLevels(mesh: NeuronMesh): NeuronGeometry[] {
  const lod = mesh.lod ?? [];
  return [mesh, ...(Array.isArray(lod) ? lod : [lod as NeuronGeometry])];
}

export interface NeuronVolume {
  /** Voxels along x, y and z (slices). */
  width: number;
  height: number;
  depth: number;
  /** Voxel size in nm. */
  voxelSize: { x: number; y: number; z: number };
}

/** The volume's physical size in nm. */
export function volumeExtent(volume: NeuronVolume): { x: number; y: number; z: number } {
  return { x: volume.width * volume.voxelSize.x, y: volume.height * volume.voxelSize.y, z: volume.depth * volume.voxelSize.z };
}

/** Triangles in a geometry. */
export function triangleCount(geometry: NeuronGeometry): number {
  return Math.floor(geometry.indices.length / 3);
}
