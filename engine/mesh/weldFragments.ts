import type { Mesh } from './Mesh.js';

/**
 * One mesh from pieces that share vertices by position: vertices at bit-identical positions
 * become one vertex (first seen keeps its place), triangles keep their order, fragment after
 * fragment. Block-wise marching cubes computes a border vertex from the same global lattice
 * coordinates in both blocks, so welding a neuron's block fragments gives back the mesh of the
 * whole volume, closed where the blocks meet. Positions are compared exactly, not within a
 * tolerance: nearby but distinct vertices (a thin neurite) must stay apart.
 */
export function weldFragments(fragments: readonly Mesh[]): Mesh {
  let vertexTotal = 0;
  let indexTotal = 0;
  for (const fragment of fragments) {
    vertexTotal += fragment.positions.length / 3;
    indexTotal += fragment.indices.length;
  }
  // Open addressing on the three coordinates' bits; at most half full.
  let capacity = 16;
  while (capacity < vertexTotal * 2) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  const positions = new Float32Array(vertexTotal * 3);
  const bits = new Uint32Array(positions.buffer);
  const indices = new Uint32Array(indexTotal);
  let vertices = 0;
  let at = 0;
  for (const fragment of fragments) {
    const source = new Uint32Array(fragment.positions.buffer, fragment.positions.byteOffset, fragment.positions.length);
    const remap = new Uint32Array(source.length / 3);
    for (let v = 0; v < remap.length; v++) {
      // -0 and +0 are one position.
      const a = source[v * 3]! === 0x80000000 ? 0 : source[v * 3]!;
      const b = source[v * 3 + 1]! === 0x80000000 ? 0 : source[v * 3 + 1]!;
      const c = source[v * 3 + 2]! === 0x80000000 ? 0 : source[v * 3 + 2]!;
      let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) & mask;
      for (;;) {
        const found = table[slot]!;
        if (found < 0) {
          table[slot] = vertices;
          bits[vertices * 3] = a;
          bits[vertices * 3 + 1] = b;
          bits[vertices * 3 + 2] = c;
          remap[v] = vertices++;
          break;
        }
        if (bits[found * 3] === a && bits[found * 3 + 1] === b && bits[found * 3 + 2] === c) {
          remap[v] = found;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    for (const index of fragment.indices) indices[at++] = remap[index]!;
  }
  return { positions: positions.slice(0, vertices * 3), indices };
}
