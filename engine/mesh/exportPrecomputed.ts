import type { Mesh, VoxelSizeNm } from './Mesh.js';
import { checkVoxelSize } from './meshNeuron.js';
import { checkVolumeShape } from './neuronBounds.js';

/** An ids volume with its voxel size: what a Neuroglancer segmentation layer shows. */
export interface Segmentation {
  /** uint32 per voxel, 0 = boundary, z-major then row-major. */
  ids: Uint32Array;
  width: number;
  height: number;
  depth: number;
  voxelSize: VoxelSizeNm;
}

export interface PrecomputedOptions {
  /** Voxels per chunk along x, y, z (default 64 × 64 × 16: about cubic in nm at EM's 4 × 4 × 50). */
  chunkSize?: readonly [number, number, number];
}

/**
 * A Neuroglancer "precomputed" segmentation with legacy meshes, as files by relative path
 * ('/'-separated) for writeFolderAtomic:
 * - `info`: one scale, raw uint32 encoding, resolution in nm, `"mesh": "mesh"`;
 * - `<x>_<y>_<z>/<x0>-<x1>_<y0>-<y1>_<z0>-<z1>`: each chunk's ids, little-endian, x fastest;
 *   chunks at the far edges are cut to the volume (as Neuroglancer expects);
 * - `mesh/info`, and per neuron `mesh/<id>:0` (the manifest, listing one fragment) and
 *   `mesh/<id>` (uint32 vertex count, float32 x, y, z per vertex in nm, uint32 triangle indices).
 * Mesh positions must be in nanometres (as meshNeurons makes them). See
 * https://github.com/google/neuroglancer/blob/master/src/datasource/precomputed/volume.md
 */
export function exportPrecomputed(segmentation: Segmentation, meshes: ReadonlyMap<number, Mesh>, options: PrecomputedOptions = {}): Map<string, Uint8Array> {
  const { ids, width, height, depth, voxelSize } = segmentation;
  checkVolumeShape(ids, width, height, depth);
  checkVoxelSize(voxelSize);
  const chunkSize = options.chunkSize ?? [64, 64, 16];
  if (!chunkSize.every((size) => Number.isInteger(size) && size >= 1)) throw new RangeError(`Chunk sizes must be whole numbers of voxels, at least 1, not ${chunkSize.join(' × ')}.`);
  const key = `${voxelSize.x}_${voxelSize.y}_${voxelSize.z}`;
  const files = new Map<string, Uint8Array>();
  const info = {
    '@type': 'neuroglancer_multiscale_volume',
    type: 'segmentation',
    data_type: 'uint32',
    num_channels: 1,
    mesh: 'mesh',
    scales: [{ key, size: [width, height, depth], resolution: [voxelSize.x, voxelSize.y, voxelSize.z], voxel_offset: [0, 0, 0], chunk_sizes: [[...chunkSize]], encoding: 'raw' }],
  };
  files.set('info', json(info));
  const [cx, cy, cz] = chunkSize;
  for (let z0 = 0; z0 < depth; z0 += cz) {
    for (let y0 = 0; y0 < height; y0 += cy) {
      for (let x0 = 0; x0 < width; x0 += cx) {
        const x1 = Math.min(width, x0 + cx);
        const y1 = Math.min(height, y0 + cy);
        const z1 = Math.min(depth, z0 + cz);
        files.set(`${key}/${x0}-${x1}_${y0}-${y1}_${z0}-${z1}`, chunkBytes(segmentation, [x0, y0, z0], [x1, y1, z1]));
      }
    }
  }
  files.set('mesh/info', json({ '@type': 'neuroglancer_legacy_mesh' }));
  for (const [id, mesh] of meshes) {
    if (mesh.indices.length === 0) continue;
    files.set(`mesh/${id}:0`, json({ fragments: [String(id)] }));
    files.set(`mesh/${id}`, legacyFragment(mesh));
  }
  return files;
}

/** The ids of voxels [start, end) as little-endian uint32, x fastest, then y, then z. */
function chunkBytes({ ids, width, height }: Segmentation, start: readonly number[], end: readonly number[]): Uint8Array {
  const [x0, y0, z0] = start as [number, number, number];
  const [x1, y1, z1] = end as [number, number, number];
  const rowLength = x1 - x0;
  const chunk = new Uint32Array(rowLength * (y1 - y0) * (z1 - z0));
  let at = 0;
  for (let z = z0; z < z1; z++) {
    for (let y = y0; y < y1; y++) {
      const from = (z * height + y) * width + x0;
      chunk.set(ids.subarray(from, from + rowLength), at);
      at += rowLength;
    }
  }
  return littleEndianBytes(chunk);
}

/** A legacy mesh fragment: vertex count, positions, indices, all little-endian. */
export function legacyFragment(mesh: Mesh): Uint8Array {
  const vertices = mesh.positions.length / 3;
  const bytes = new Uint8Array(4 + mesh.positions.byteLength + mesh.indices.byteLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, vertices, true);
  bytes.set(littleEndianBytes(mesh.positions), 4);
  bytes.set(littleEndianBytes(mesh.indices), 4 + mesh.positions.byteLength);
  return bytes;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(values: Uint32Array | Float32Array): Uint8Array {
  if (HOST_LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  values.forEach((value, n) => (values instanceof Float32Array ? view.setFloat32(n * 4, value, true) : view.setUint32(n * 4, value, true)));
  return bytes;
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
