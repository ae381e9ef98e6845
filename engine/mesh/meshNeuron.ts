import type { Progress } from '../../protocol/contract.js';
import { throwIfCancelled } from '../base/cancellation.js';
import { checkDecimateRatio, decimateMesh } from './decimateMesh.js';
import { marchingCubes } from './marchingCubes.js';
import type { Mesh, VoxelSizeNm } from './Mesh.js';
import { checkVolumeShape, neuronBounds, type NeuronBounds } from './neuronBounds.js';
import { neuronMask } from './neuronMask.js';
import { restoreVolume } from './restoreVolume.js';
import { sliceCrossings } from './sliceCrossings.js';
import { smoothMesh } from './smoothMesh.js';

/** How a neuron's surface is finished after marching cubes. */
export interface MeshOptions {
  /** Taubin smoothing iterations (default 0: the voxel surface as it is). */
  smoothing?: number;
  /**
   * Slope the surface from each slice's outline to the next (sliceCrossings) instead of stepping
   * halfway between them, then give back the volume that rounding took (restoreVolume, to the
   * voxels' volume). For display: thick EM slices otherwise show as a staircase. Default false.
   */
  interpolateSlices?: boolean;
  /** Fraction of triangles to keep, more than 0 and at most 1 (default 1: no decimation). */
  decimate?: number;
  /** Largest deviation decimation may make, relative to the neuron's size (default 0.02). */
  decimateError?: number;
}

/**
 * How the 3D view's meshes are made: sloped between slices (thick EM slices otherwise show as a
 * staircase), smoothed, then decimated to a quarter of their triangles so hundreds stay fluid.
 * Exports keep the voxel surface and choose their own smoothing.
 */
export const VIEW_MESH_OPTIONS = { interpolateSlices: true, smoothing: 10, decimate: 0.25 } as const satisfies MeshOptions;

export interface MeshNeuronOptions extends MeshOptions {
  /** The neuron's entry from neuronBounds; without it the volume is scanned for it (one pass). */
  bounds?: NeuronBounds;
}

/**
 * The closed, outward-oriented surface of neuron `id` in an ids volume (uint32 per voxel,
 * 0 = boundary, z-major then row-major), in nanometres: marching cubes on the neuron's voxels
 * (its bounding box, plus one voxel of padding so the surface closes at the volume's edge), then
 * optional smoothing and decimation. Each connected piece of the neuron is a closed shell;
 * cavities are shells facing inwards. An id with no voxel gives an empty mesh.
 * For re-meshing the neurons an edit changed, pass each one's `bounds` from one neuronBounds pass.
 */
export async function meshNeuron(
  ids: Uint32Array,
  width: number,
  height: number,
  depth: number,
  voxelSize: VoxelSizeNm,
  id: number,
  options: MeshNeuronOptions = {},
): Promise<Mesh> {
  checkVolumeShape(ids, width, height, depth);
  checkVoxelSize(voxelSize);
  const bounds = options.bounds ?? neuronBounds(ids, width, height, depth).get(id);
  if (!bounds || id === 0) return { positions: new Float32Array(0), indices: new Uint32Array(0) };
  checkBounds(bounds, width, height, depth, id);
  const mask = neuronMask(ids, width, height, id, bounds);
  const interpolate = options.interpolateSlices ?? false;
  let mesh = smoothMesh(marchingCubes(mask, voxelSize, interpolate ? sliceCrossings(mask, voxelSize) : undefined), options.smoothing ?? 0);
  // The offset that gives the volume back is a few nanometres; one pixel at most, so a small
  // fragment rounded into a lens stays a lens and does not spread sideways.
  if (interpolate) mesh = restoreVolume(mesh, bounds.voxels * voxelSize.x * voxelSize.y * voxelSize.z, Math.min(voxelSize.x, voxelSize.y));
  return options.decimate === undefined ? mesh : decimateMesh(mesh, options.decimate, { error: options.decimateError });
}

export interface MeshNeuronsOptions extends MeshOptions {
  /** The neurons to mesh (default: every id but 0). Ids with no voxel are left out of the result. */
  ids?: readonly number[];
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** Hand the thread back this often, so that an abort or a progress message can get through. */
const YIELD_MS = 50;

/**
 * Meshes the neurons of an ids volume (uint32 per voxel, 0 = boundary, z-major then row-major)
 * with meshNeuron: one pass finds every neuron's bounding box, then each neuron costs only its
 * box, so hundreds of neurons take seconds. Returns the meshes by id, in rising id order,
 * positions in nanometres. An aborted `signal` rejects with code 'CANCELLED'.
 */
export async function meshNeurons(
  ids: Uint32Array,
  width: number,
  height: number,
  depth: number,
  voxelSize: VoxelSizeNm,
  options: MeshNeuronsOptions = {},
): Promise<Map<number, Mesh>> {
  checkVolumeShape(ids, width, height, depth);
  checkVoxelSize(voxelSize);
  if (options.decimate !== undefined) checkDecimateRatio(options.decimate);
  const { signal, onProgress } = options;
  throwIfCancelled(signal, 'Meshing');
  const bounds = neuronBounds(ids, width, height, depth);
  const wanted = [...new Set(options.ids ?? bounds.keys())].filter((id) => bounds.has(id)).sort((a, b) => a - b);
  // Work is about the bounding box each neuron's mask is cut from.
  const work = wanted.map((id) => boxVolume(bounds.get(id)!));
  const total = work.reduce((sum, value) => sum + value, 0);
  const started = performance.now();
  let lastYield = started;
  let done = 0;
  const meshes = new Map<number, Mesh>();
  onProgress?.({ stage: 'Meshing neurons', fraction: 0 });
  for (let n = 0; n < wanted.length; n++) {
    const id = wanted[n]!;
    meshes.set(id, await meshNeuron(ids, width, height, depth, voxelSize, id, { ...options, bounds: bounds.get(id)! }));
    done += work[n]!;
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      throwIfCancelled(signal, 'Meshing');
      lastYield = performance.now();
      const fraction = done / total;
      const elapsed = (lastYield - started) / 1000;
      onProgress?.({ stage: `Meshing neurons (${n + 1} of ${wanted.length})`, fraction, etaSeconds: (elapsed * (1 - fraction)) / fraction });
    }
  }
  onProgress?.({ stage: 'Meshing neurons', fraction: 1 });
  return meshes;
}

function boxVolume({ min, max }: { min: readonly number[]; max: readonly number[] }): number {
  return (max[0]! - min[0]! + 3) * (max[1]! - min[1]! + 3) * (max[2]! - min[2]! + 3);
}

function checkBounds({ min, max }: NeuronBounds, width: number, height: number, depth: number, id: number): void {
  const size = [width, height, depth];
  for (let axis = 0; axis < 3; axis++) {
    if (!(min[axis]! >= 0 && min[axis]! <= max[axis]! && max[axis]! < size[axis]!)) {
      throw new RangeError(`The bounds of neuron ${id} (${min.join(', ')} to ${max.join(', ')}) are not inside the ${width} × ${height} × ${depth} volume; take them from neuronBounds of this volume.`);
    }
  }
}

/** Throws a RangeError naming the value unless every voxel size is a positive number of nanometres. */
export function checkVoxelSize(voxelSize: VoxelSizeNm): void {
  for (const axis of ['x', 'y', 'z'] as const) {
    const value = voxelSize[axis];
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`The voxel size along ${axis} must be a positive number of nanometres, not ${value}.`);
  }
}
