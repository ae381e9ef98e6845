import type { Mesh } from './Mesh.js';
import { positionsIn, unitLabel, type LengthUnit } from './meshUnits.js';

export interface MeshExportOptions {
  /** Default 'nm'. */
  units?: LengthUnit;
}

/**
 * Wavefront OBJ text: one object `neuron-<id>` per mesh, vertices `v x y z` and triangles
 * `f a b c` (1-based, counter-clockwise from outside). OBJ has no units; a comment names them.
 * Empty meshes are left out.
 */
export function exportObj(meshes: ReadonlyMap<number, Mesh>, options: MeshExportOptions = {}): Uint8Array {
  const lines: string[] = [`# Membrana neurons, positions in ${unitLabel(options.units)}`];
  let offset = 1;
  for (const [id, mesh] of meshes) {
    if (mesh.indices.length === 0) continue;
    const positions = positionsIn(mesh.positions, options.units);
    lines.push(`o neuron-${id}`);
    for (let v = 0; v < positions.length; v += 3) lines.push(`v ${float32Text(positions[v]!)} ${float32Text(positions[v + 1]!)} ${float32Text(positions[v + 2]!)}`);
    const { indices } = mesh;
    for (let t = 0; t < indices.length; t += 3) lines.push(`f ${indices[t]! + offset} ${indices[t + 1]! + offset} ${indices[t + 2]! + offset}`);
    offset += positions.length / 3;
  }
  lines.push('');
  return new TextEncoder().encode(lines.join('\n'));
}

/** The shortest decimal that reads back as the same float32 (positions are float32; 9 digits always do). */
export function float32Text(value: number): string {
  for (let digits = 6; digits < 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === value) return text;
  }
  return String(Number(value.toPrecision(9)));
}
