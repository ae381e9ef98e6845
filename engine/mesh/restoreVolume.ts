import type { Mesh } from './Mesh.js';
import { signedVolume } from './meshChecks.js';

/**
 * Moves every vertex along its (area-weighted) normal by one distance, so that the enclosed volume
 * becomes `target`: the offset is (target − volume) / area, refined once. Smoothing and slice
 * interpolation round off corners and ends and so take a few per cent of a neuron's volume; a
 * uniform offset of a nanometre or two gives it back without bringing the corners back. The
 * offset is limited to ±`limit` nm, so a bad target cannot blow the surface up or turn it inside
 * out. Returns a new mesh with the same triangles.
 */
export function restoreVolume(mesh: Mesh, target: number, limit: number): Mesh {
  if (!(Number.isFinite(target) && target > 0)) throw new RangeError(`The volume to restore must be a positive number of nm³, not ${target}.`);
  if (mesh.indices.length === 0) return mesh;
  const positions = Float32Array.from(mesh.positions);
  const result = { positions, indices: mesh.indices };
  let moved = 0;
  for (let round = 0; round < 2; round++) {
    const { normals, area } = vertexNormals(result);
    if (!(area > 0)) break;
    const offset = Math.max(-limit - moved, Math.min(limit - moved, (target - signedVolume(result)) / area));
    moved += offset;
    for (let v = 0; v < positions.length; v++) positions[v]! += offset * normals[v]!;
  }
  return result;
}

/** Unit normals per vertex (the sum of its triangles' area vectors, normalised) and the surface area. */
function vertexNormals(mesh: Mesh): { normals: Float64Array; area: number } {
  const { positions: p, indices } = mesh;
  const normals = new Float64Array(p.length);
  let area = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! * 3;
    const b = indices[t + 1]! * 3;
    const c = indices[t + 2]! * 3;
    const ux = p[b]! - p[a]!, uy = p[b + 1]! - p[a + 1]!, uz = p[b + 2]! - p[a + 2]!;
    const vx = p[c]! - p[a]!, vy = p[c + 1]! - p[a + 1]!, vz = p[c + 2]! - p[a + 2]!;
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    area += Math.hypot(nx, ny, nz) / 2;
    for (const corner of [a, b, c]) {
      normals[corner]! += nx;
      normals[corner + 1]! += ny;
      normals[corner + 2]! += nz;
    }
  }
  for (let v = 0; v < normals.length; v += 3) {
    const length = Math.hypot(normals[v]!, normals[v + 1]!, normals[v + 2]!);
    if (length > 0) {
      normals[v]! /= length;
      normals[v + 1]! /= length;
      normals[v + 2]! /= length;
    }
  }
  return { normals, area };
}
