import type { Mesh } from './Mesh.js';

/**
 * Whether the mesh is closed and consistently oriented: every undirected edge is used by exactly
 * two triangles, once in each direction. Degenerate triangles (a repeated vertex) fail it.
 */
export function isClosed(mesh: Mesh): boolean {
  return edgeDefects(mesh, true).length === 0;
}

/**
 * Whether a closed mesh is also manifold at its vertices: the triangles around each vertex form
 * one fan (two cones touching at a vertex pass isClosed but not this).
 */
export function isManifold(mesh: Mesh): boolean {
  return manifoldDefects(mesh, true).length === 0;
}

/**
 * The vertices where the mesh is not a closed, oriented manifold: ends of edges that are not
 * used exactly once in each direction, corners of degenerate triangles, and vertices whose
 * triangles form more than one fan. Empty for a good mesh. `firstOnly` stops at the first.
 */
export function manifoldDefects(mesh: Mesh, firstOnly = false): number[] {
  const defects = edgeDefects(mesh, firstOnly);
  if (defects.length > 0 && firstOnly) return defects;
  const bad = new Set(defects);
  const { indices } = mesh;
  const vertices = mesh.positions.length / 3;
  // For each vertex v, the triangles (v, a, b) around it map a to b; one fan = one cycle through all of them.
  const counts = new Uint32Array(vertices + 1);
  for (const v of indices) counts[v + 1]!++;
  for (let v = 0; v < vertices; v++) counts[v + 1]! += counts[v]!;
  const from = new Uint32Array(indices.length);
  const to = new Uint32Array(indices.length);
  const fill = counts.slice(0, vertices);
  for (let t = 0; t < indices.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const slot = fill[indices[t + k]!]!++;
      from[slot] = indices[t + ((k + 1) % 3)]!;
      to[slot] = indices[t + ((k + 2) % 3)]!;
    }
  }
  for (let v = 0; v < vertices; v++) {
    const begin = counts[v]!;
    const end = counts[v + 1]!;
    if (end === begin || bad.has(v)) continue;
    // Follow the fan from its first triangle; a vertex has a handful, so a linear search is fastest.
    let steps = 0;
    let at = from[begin]!;
    do {
      let s = begin;
      while (s < end && from[s] !== at) s++;
      if (s === end) break;
      at = to[s]!;
      steps++;
    } while (at !== from[begin] && steps <= end - begin);
    if (steps !== end - begin || at !== from[begin]) {
      bad.add(v);
      if (firstOnly) break;
    }
  }
  return [...bad];
}

/** Ends of directed edges used twice or without their reverse, and corners of degenerate triangles. */
function edgeDefects(mesh: Mesh, firstOnly: boolean): number[] {
  const { indices } = mesh;
  const vertices = mesh.positions.length / 3;
  const bad = new Set<number>();
  // Directed edges as a * vertices + b (exact in a double for up to ~94 million vertices), sorted:
  // each must be unique and have its reverse.
  const keys = new Float64Array(indices.length);
  for (let t = 0; t < indices.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = indices[t + k]!;
      const b = indices[t + ((k + 1) % 3)]!;
      if (a >= vertices || b >= vertices) throw new RangeError(`Triangle ${t / 3} uses vertex ${Math.max(a, b)}, but the mesh has ${vertices} vertices.`);
      if (a === b) {
        bad.add(a);
        if (firstOnly) return [a];
      }
      keys[t + k] = a * vertices + b;
    }
  }
  keys.sort();
  for (let n = 0; n < keys.length; n++) {
    const key = keys[n]!;
    if ((n > 0 && keys[n - 1] === key) || !contains(keys, reverse(key, vertices))) {
      const a = Math.floor(key / vertices);
      bad.add(a).add(key - a * vertices);
      if (firstOnly) return [...bad];
    }
  }
  return [...bad];
}

function reverse(key: number, vertices: number): number {
  const a = Math.floor(key / vertices);
  return (key - a * vertices) * vertices + a;
}

/**
 * The volume a closed, outward-oriented mesh encloses (negative when it is inside out), in the
 * cube of its position unit: the sum of the signed tetrahedra each triangle makes with a point.
 */
export function signedVolume(mesh: Mesh): number {
  const { positions, indices } = mesh;
  if (indices.length === 0) return 0;
  // Measure from the first vertex rather than the origin: smaller products, less rounding.
  const cx = positions[0]!;
  const cy = positions[1]!;
  const cz = positions[2]!;
  let sum = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! * 3;
    const b = indices[t + 1]! * 3;
    const c = indices[t + 2]! * 3;
    const ax = positions[a]! - cx;
    const ay = positions[a + 1]! - cy;
    const az = positions[a + 2]! - cz;
    const bx = positions[b]! - cx;
    const by = positions[b + 1]! - cy;
    const bz = positions[b + 2]! - cz;
    const qx = positions[c]! - cx;
    const qy = positions[c + 1]! - cy;
    const qz = positions[c + 2]! - cz;
    sum += ax * (by * qz - bz * qy) + ay * (bz * qx - bx * qz) + az * (bx * qy - by * qx);
  }
  return sum / 6;
}

/** The number of connected pieces (by shared vertices) and the Euler characteristic V - E + F of the used vertices. */
export function meshTopology(mesh: Mesh): { components: number; eulerCharacteristic: number } {
  const { indices } = mesh;
  const parent = new Int32Array(mesh.positions.length / 3).map((_, v) => v);
  const root = (v: number): number => {
    while (parent[v] !== v) v = parent[v] = parent[parent[v]!]!;
    return v;
  };
  const used = new Uint8Array(parent.length);
  for (let t = 0; t < indices.length; t += 3) {
    const a = root(indices[t]!);
    used[indices[t]!] = used[indices[t + 1]!] = used[indices[t + 2]!] = 1;
    parent[root(indices[t + 1]!)] = a;
    parent[root(indices[t + 2]!)] = a;
  }
  let components = 0;
  let vertices = 0;
  for (let v = 0; v < parent.length; v++) {
    if (!used[v]) continue;
    vertices++;
    if (root(v) === v) components++;
  }
  const faces = indices.length / 3;
  // In a closed mesh every edge has two triangles: E = 3F / 2.
  return { components, eulerCharacteristic: vertices - (3 * faces) / 2 + faces };
}

function contains(sorted: Float64Array, key: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = sorted[middle]!;
    if (value === key) return true;
    if (value < key) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
