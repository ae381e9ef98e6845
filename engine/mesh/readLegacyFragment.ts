import type { Mesh } from './Mesh.js';

/**
 * A Neuroglancer legacy mesh fragment (as exportPrecomputed's legacyFragment writes it: uint32
 * vertex count, float32 x, y, z per vertex, uint32 triangle indices, little-endian) as a Mesh.
 * `name` is for the error when the bytes do not hold whole vertices and triangles.
 */
export function readLegacyFragment(bytes: Uint8Array, name: string): Mesh {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vertices = bytes.length >= 4 ? view.getUint32(0, true) : -1;
  const indexBytes = bytes.length - 4 - vertices * 12;
  if (vertices < 0 || indexBytes < 0 || indexBytes % 12 !== 0) {
    throw new Error(`${name} is not a legacy mesh fragment (${bytes.length} bytes do not hold whole vertices and triangles): the file is damaged; delete it and its block's marker, then run again.`);
  }
  const positions = new Float32Array(vertices * 3);
  for (let n = 0; n < positions.length; n++) positions[n] = view.getFloat32(4 + n * 4, true);
  const indices = new Uint32Array(indexBytes / 4);
  for (let n = 0, at = 4 + vertices * 12; n < indices.length; n++, at += 4) indices[n] = view.getUint32(at, true);
  for (const index of indices) {
    if (index >= vertices) throw new Error(`${name} refers to vertex ${index} of ${vertices}: the file is damaged; delete it and its block's marker, then run again.`);
  }
  return { positions, indices };
}
