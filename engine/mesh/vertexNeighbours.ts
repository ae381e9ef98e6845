import type { Mesh } from './Mesh.js';

/**
 * Each vertex's neighbours, as compressed rows: vertex v's are `neighbours[start[v]]` up to
 * `neighbours[start[v + 1]]`. In a closed oriented mesh every neighbour b of a appears exactly
 * once as a triangle edge a → b, so listing directed edges lists each neighbour once.
 */
export function vertexNeighbours(mesh: Mesh): { start: Uint32Array; neighbours: Uint32Array } {
  const { indices } = mesh;
  const vertices = mesh.positions.length / 3;
  const start = new Uint32Array(vertices + 1);
  for (let t = 0; t < indices.length; t += 3) {
    for (let k = 0; k < 3; k++) start[indices[t + k]! + 1]!++;
  }
  for (let v = 0; v < vertices; v++) start[v + 1]! += start[v]!;
  const neighbours = new Uint32Array(indices.length);
  const fill = start.slice(0, vertices);
  for (let t = 0; t < indices.length; t += 3) {
    for (let k = 0; k < 3; k++) neighbours[fill[indices[t + k]!]!++] = indices[t + ((k + 1) % 3)]!;
  }
  return { start, neighbours };
}
