import type { MeshExportOptions } from './exportObj.js';
import type { Mesh } from './Mesh.js';
import { positionsIn, unitLabel } from './meshUnits.js';

const HEADER_BYTES = 80;
const TRIANGLE_BYTES = 50;

/**
 * Binary STL: an 80-byte header (naming the neurons and units, and never starting with "solid",
 * which makes some readers take the file for ASCII STL), the triangle count, then per triangle
 * its unit normal, three corners (float32, counter-clockwise from outside) and a zero attribute.
 * STL has no objects or shared vertices: all neurons become one soup of triangles.
 */
export function exportStl(meshes: ReadonlyMap<number, Mesh>, options: MeshExportOptions = {}): Uint8Array {
  let triangles = 0;
  for (const mesh of meshes.values()) triangles += mesh.indices.length / 3;
  const bytes = new Uint8Array(HEADER_BYTES + 4 + triangles * TRIANGLE_BYTES);
  const ids = [...meshes.keys()];
  const header = `Membrana neurons ${ids.length > 8 ? `${ids.slice(0, 8).join(' ')} and ${ids.length - 8} more` : ids.join(' ')}, ${unitLabel(options.units)}`;
  bytes.set(new TextEncoder().encode(header).subarray(0, HEADER_BYTES));
  const view = new DataView(bytes.buffer);
  view.setUint32(HEADER_BYTES, triangles, true);
  let at = HEADER_BYTES + 4;
  for (const mesh of meshes.values()) {
    const positions = positionsIn(mesh.positions, options.units);
    const { indices } = mesh;
    for (let t = 0; t < indices.length; t += 3) {
      const a = indices[t]! * 3;
      const b = indices[t + 1]! * 3;
      const c = indices[t + 2]! * 3;
      const ux = positions[b]! - positions[a]!;
      const uy = positions[b + 1]! - positions[a + 1]!;
      const uz = positions[b + 2]! - positions[a + 2]!;
      const vx = positions[c]! - positions[a]!;
      const vy = positions[c + 1]! - positions[a + 1]!;
      const vz = positions[c + 2]! - positions[a + 2]!;
      const nx = uy * vz - uz * vy;
      const ny = uz * vx - ux * vz;
      const nz = ux * vy - uy * vx;
      const length = Math.hypot(nx, ny, nz) || 1;
      const values = [nx / length, ny / length, nz / length];
      for (const corner of [a, b, c]) values.push(positions[corner]!, positions[corner + 1]!, positions[corner + 2]!);
      for (let k = 0; k < 12; k++) view.setFloat32(at + k * 4, values[k]!, true);
      at += TRIANGLE_BYTES; // the attribute byte count stays 0
    }
  }
  return bytes;
}
