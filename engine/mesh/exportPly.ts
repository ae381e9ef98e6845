import type { MeshExportOptions } from './exportObj.js';
import type { Mesh } from './Mesh.js';
import { positionsIn, unitLabel } from './meshUnits.js';

/** Bytes per face: the uchar count 3, three uint indices, the uint neuron id. */
const FACE_BYTES = 1 + 12 + 4;

/**
 * Binary little-endian PLY: float x, y, z per vertex; per face the three vertex indices
 * (counter-clockwise from outside) and a `neuron` property with its id, so one file can hold a
 * whole scene and still say which triangle belongs to which neuron. Units in a comment.
 */
export function exportPly(meshes: ReadonlyMap<number, Mesh>, options: MeshExportOptions = {}): Uint8Array {
  let vertices = 0;
  let faces = 0;
  for (const mesh of meshes.values()) {
    vertices += mesh.positions.length / 3;
    faces += mesh.indices.length / 3;
  }
  const header = new TextEncoder().encode(
    [
      'ply',
      'format binary_little_endian 1.0',
      `comment Membrana neurons, positions in ${unitLabel(options.units)}`,
      `element vertex ${vertices}`,
      'property float x',
      'property float y',
      'property float z',
      `element face ${faces}`,
      'property list uchar uint vertex_indices',
      'property uint neuron',
      'end_header',
      '',
    ].join('\n'),
  );
  const bytes = new Uint8Array(header.length + vertices * 12 + faces * FACE_BYTES);
  bytes.set(header);
  const view = new DataView(bytes.buffer);
  let at = header.length;
  for (const mesh of meshes.values()) {
    for (const value of positionsIn(mesh.positions, options.units)) {
      view.setFloat32(at, value, true);
      at += 4;
    }
  }
  let offset = 0;
  for (const [id, mesh] of meshes) {
    const { indices } = mesh;
    for (let t = 0; t < indices.length; t += 3) {
      view.setUint8(at, 3);
      view.setUint32(at + 1, indices[t]! + offset, true);
      view.setUint32(at + 5, indices[t + 1]! + offset, true);
      view.setUint32(at + 9, indices[t + 2]! + offset, true);
      view.setUint32(at + 13, id, true);
      at += FACE_BYTES;
    }
    offset += mesh.positions.length / 3;
  }
  return bytes;
}
