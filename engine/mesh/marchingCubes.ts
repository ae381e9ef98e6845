import type { Mesh, VoxelSizeNm } from './Mesh.js';
import { GrowableArray } from './GrowableArray.js';
import { MARCHING_CUBES_TABLE } from './marchingCubesTable.js';

/** A binary mask (1 = inside, 0 = outside), z-major then row-major, with a border of zeros all round. */
export interface PaddedMask {
  data: Uint8Array;
  width: number;
  height: number;
  depth: number;
  /** Voxel coordinates of mask element (0, 0, 0) in the whole volume (the padding, so min - 1). */
  origin: readonly [number, number, number];
}

/** Corner bits of a 2 × 2 column (bit y + 2z) spread to cube corner bits x + 2y + 4z, for x = 0 and x = 1. */
const SPREAD_LOW = Uint8Array.from({ length: 16 }, (_, column) => (column & 1) | ((column & 2) << 1) | ((column & 4) << 2) | ((column & 8) << 3));
const SPREAD_HIGH = SPREAD_LOW.map((bits) => bits << 1);

/**
 * Where the surface crosses the lattice edge from mask element (i, j, k) to its neighbour one
 * step along `axis` (0 = x, 1 = y, 2 = z): a fraction of the edge, strictly between 0 and 1.
 */
export type EdgeCrossing = (axis: number, i: number, j: number, k: number) => number;

/**
 * The surface of a padded binary mask by marching cubes with a consistent table (see
 * marchingCubesTable.ts): closed, manifold and outward oriented. Cube corners are voxel centres,
 * so a flat wall lies on the voxel faces: voxel (x, y, z) spans [x, x + 1) × voxel size, as in
 * Neuroglancer. Positions in nanometres. `crossing` may move each vertex along its own edge (the
 * default is halfway); the triangles, and so closedness and orientation, stay the same.
 */
export function marchingCubes(mask: PaddedMask, voxelSize: VoxelSizeNm, crossing?: EdgeCrossing): Mesh {
  const { data, width, height, depth } = mask;
  const [ox, oy, oz] = mask.origin;
  const { edges, triangles, start } = MARCHING_CUBES_TABLE;
  const plane = width * height;
  // Vertex index of each lattice edge, -1 until made: x and y edges of two lattice planes (z and
  // z + 1, by parity), z edges of the current layer of cubes. Planes keep memory small.
  const xEdges = [new Int32Array(plane), new Int32Array(plane)];
  const yEdges = [new Int32Array(plane), new Int32Array(plane)];
  const zEdges = new Int32Array(plane);
  const positions = new GrowableArray(Float32Array, 1024);
  const indices = new GrowableArray(Uint32Array, 2048);
  let vertexCount = 0;

  const edgeVertex = (edge: number, i: number, j: number, k: number): number => {
    const { axis, dx, dy, dz } = edges[edge]!;
    const li = i + dx;
    const lj = j + dy;
    const lk = k + dz;
    const slot = lj * width + li;
    const cache = axis === 0 ? xEdges[lk & 1]! : axis === 1 ? yEdges[lk & 1]! : zEdges;
    let vertex = cache[slot]!;
    if (vertex < 0) {
      // Lattice point (li, lj, lk) is the centre of voxel origin + (li, lj, lk); the crossing is
      // halfway along the edge unless `crossing` says otherwise (half + half is exact: same bits).
      const along = crossing ? crossing(axis, li, lj, lk) : 0.5;
      positions.push(
        (ox + li + 0.5 + (axis === 0 ? along : 0)) * voxelSize.x,
        (oy + lj + 0.5 + (axis === 1 ? along : 0)) * voxelSize.y,
        (oz + lk + 0.5 + (axis === 2 ? along : 0)) * voxelSize.z,
      );
      vertex = vertexCount++;
      cache[slot] = vertex;
    }
    return vertex;
  };

  xEdges[0]!.fill(-1);
  yEdges[0]!.fill(-1);
  for (let k = 0; k + 1 < depth; k++) {
    xEdges[(k + 1) & 1]!.fill(-1);
    yEdges[(k + 1) & 1]!.fill(-1);
    zEdges.fill(-1);
    for (let j = 0; j + 1 < height; j++) {
      const row00 = k * plane + j * width;
      const row10 = row00 + width;
      const row01 = row00 + plane;
      const row11 = row01 + width;
      let column = data[row00]! | (data[row10]! << 1) | (data[row01]! << 2) | (data[row11]! << 3);
      for (let i = 0; i + 1 < width; i++) {
        const nextColumn = data[row00 + i + 1]! | (data[row10 + i + 1]! << 1) | (data[row01 + i + 1]! << 2) | (data[row11 + i + 1]! << 3);
        const config = SPREAD_LOW[column]! | SPREAD_HIGH[nextColumn]!;
        column = nextColumn;
        if (config === 0 || config === 255) continue;
        for (let s = start[config]!, end = start[config + 1]!; s < end; s++) indices.push1(edgeVertex(triangles[s]!, i, j, k));
      }
    }
  }
  return { positions: positions.toArray(), indices: indices.toArray() };
}
