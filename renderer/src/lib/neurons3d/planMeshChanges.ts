import { detailLevels, type NeuronMesh } from './NeuronMesh.js';
import { colorKey } from './neuronColor.js';

/** What the scene holds for a neuron, enough to tell whether a new version differs. */
export interface MeshRecord {
  /** Position and index arrays of each level of detail, full mesh first. */
  arrays: readonly (Float32Array | Uint32Array)[];
  colorKey: string;
}

export interface MeshChanges {
  /** New ids: build their geometry. */
  add: NeuronMesh[];
  /** Known ids with new geometry arrays: rebuild their geometry. */
  rebuild: NeuronMesh[];
  /** Known ids with the same geometry but another colour: swap the material only. */
  recolor: NeuronMesh[];
  /** Ids no longer given: dispose them. */
  remove: number[];
}

export function recordOf(mesh: NeuronMesh): MeshRecord {
  return { arrays: detailLevels(mesh).flatMap((level) => [level.positions, level.indices]), colorKey: colorKey(mesh.color) };
}

/**
 * How to go from the meshes held to the meshes given. Geometry counts as changed when its arrays
 * are other objects: comparing 500 × 10k floats on each update would cost more than it saves, and
 * callers that edit a neuron produce new arrays for it anyway. A later duplicate id wins.
 */
export function planMeshChanges(held: ReadonlyMap<number, MeshRecord>, given: readonly NeuronMesh[]): MeshChanges {
  const latest = new Map<number, NeuronMesh>();
  for (const mesh of given) latest.set(mesh.id, mesh);
  const changes: MeshChanges = { add: [], rebuild: [], recolor: [], remove: [] };
  for (const id of held.keys()) if (!latest.has(id)) changes.remove.push(id);
  for (const mesh of latest.values()) {
    const record = held.get(mesh.id);
    if (!record) changes.add.push(mesh);
    else if (geometryChanged(record, mesh)) changes.rebuild.push(mesh);
    else if (record.colorKey !== colorKey(mesh.color)) changes.recolor.push(mesh);
  }
  return changes;
}

function geometryChanged(record: MeshRecord, mesh: NeuronMesh): boolean {
  const arrays = recordOf(mesh).arrays;
  return arrays.length !== record.arrays.length || arrays.some((array, index) => array !== record.arrays[index]);
}
