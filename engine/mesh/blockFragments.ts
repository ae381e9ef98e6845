import { marchingCubes } from './marchingCubes.js';
import type { Mesh, VoxelSizeNm } from './Mesh.js';
import { neuronBounds } from './neuronBounds.js';

/** Half-open voxel ranges [start, end) of a block along x, y and z. */
export interface VoxelBox {
  x: [number, number];
  y: [number, number];
  z: [number, number];
}

/** A block's ids as read: the block plus one voxel past its far ends where the volume goes on. */
export interface BlockLabels {
  /** uint32 ids, z-major then row-major. */
  ids: Uint32Array;
  /** The voxel box `ids` covers, in whole-volume coordinates. */
  box: VoxelBox;
}

const AXES = ['x', 'y', 'z'] as const;

/** The box to read for `block` of a volume of `shape` [z, y, x]: the block plus one voxel past its far ends, inside the volume. */
export function overlapBox(block: VoxelBox, shape: readonly number[]): VoxelBox {
  const size = { x: shape[2]!, y: shape[1]!, z: shape[0]! };
  const grow = (axis: 'x' | 'y' | 'z'): [number, number] => [block[axis][0], Math.min(block[axis][1] + 1, size[axis])];
  return { x: grow('x'), y: grow('y'), z: grow('z') };
}

/**
 * Each neuron's part of the whole-volume surface that falls in `block`, by marching cubes
 * (the same cubes and table as meshNeuron, without smoothing). The cubes of the whole volume
 * are shared out by their first corner: the cube whose corners are voxels v and v + 1 belongs to
 * the block holding v, and the cubes before the first voxel (v = -1, the padding) to the first
 * block. A block's cubes therefore reach one voxel into the next block (`labels` must hold that
 * overlap, see overlapBox); past the volume's edge voxels are 0, so the surface closes there.
 * Vertices come from global lattice coordinates, so two blocks put a shared border vertex at
 * bit-identical positions, and weldFragments of all of a neuron's fragments is its
 * whole-volume mesh. Returns fragments by id in rising id order; neurons whose cubes here are
 * all inside (or none) are left out.
 */
export function blockFragments(labels: BlockLabels, block: VoxelBox, voxelSize: VoxelSizeNm): Map<number, Mesh> {
  const fragments = new Map<number, Mesh>();
  forEachBlockFragment(labels, block, voxelSize, (id, mesh) => fragments.set(id, mesh));
  return fragments;
}

/** blockFragments one neuron at a time, so a caller can encode or write each and keep no meshes. */
export function forEachBlockFragment(labels: BlockLabels, block: VoxelBox, voxelSize: VoxelSizeNm, use: (id: number, mesh: Mesh) => void): void {
  const { ids, box } = labels;
  const [width, height, depth] = AXES.map((axis) => box[axis][1] - box[axis][0]) as [number, number, number];
  for (const axis of AXES) {
    const [start, end] = block[axis];
    if (!(box[axis][0] === start && box[axis][1] >= end && box[axis][1] <= end + 1 && start < end)) {
      throw new RangeError(`The labels read for a block must cover it plus at most one voxel past its far end along ${axis}: the block is [${start}, ${end}), the labels [${box[axis][0]}, ${box[axis][1]}).`);
    }
  }
  const bounds = neuronBounds(ids, width, height, depth);
  for (const id of [...bounds.keys()].sort((a, b) => a - b)) {
    const found = bounds.get(id)!;
    // The cubes (by first corner, global) this block owns that hold a voxel of id.
    const low = [0, 0, 0];
    const size = [0, 0, 0];
    AXES.forEach((axis, a) => {
      const [start, end] = block[axis];
      const first = Math.max(start === 0 ? -1 : start, box[axis][0] + found.min[a]! - 1);
      const last = Math.min(end - 1, box[axis][0] + found.max[a]!);
      low[a] = first;
      size[a] = last - first + 2;
    });
    const [maskWidth, maskHeight, maskDepth] = size as [number, number, number];
    const data = new Uint8Array(maskWidth * maskHeight * maskDepth);
    // Mask voxel (i, j, k) is volume voxel low + (i, j, k); copy the neuron's voxels inside both boxes.
    const from = AXES.map((axis, a) => Math.max(low[a]!, box[axis][0] + found.min[a]!));
    const to = AXES.map((axis, a) => Math.min(low[a]! + size[a]! - 1, box[axis][0] + found.max[a]!));
    for (let z = from[2]!; z <= to[2]!; z++) {
      for (let y = from[1]!; y <= to[1]!; y++) {
        const row = ((z - box.z[0]) * height + (y - box.y[0])) * width - box.x[0];
        const maskRow = ((z - low[2]!) * maskHeight + (y - low[1]!)) * maskWidth - low[0]!;
        for (let x = from[0]!; x <= to[0]!; x++) if (ids[row + x] === id) data[maskRow + x] = 1;
      }
    }
    const mesh = marchingCubes({ data, width: maskWidth, height: maskHeight, depth: maskDepth, origin: [low[0]!, low[1]!, low[2]!] }, voxelSize);
    if (mesh.indices.length > 0) use(id, mesh);
  }
}
