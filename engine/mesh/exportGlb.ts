import type { MeshExportOptions } from './exportObj.js';
import type { Mesh } from './Mesh.js';
import { positionsIn } from './meshUnits.js';

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a; // "JSON"
const CHUNK_BIN = 0x004e4942; // "BIN\0"
const FLOAT = 5126;
const UNSIGNED_INT = 5125;
const ARRAY_BUFFER = 34962;
const ELEMENT_ARRAY_BUFFER = 34963;
const TRIANGLES = 4;

/**
 * glTF 2.0 binary (.glb), written by hand because the engine may not use three.js: one node and
 * one mesh per neuron, both named with the neuron id, each with a POSITION accessor (float32,
 * with the min/max the spec requires) and uint32 indices, counter-clockwise from outside as glTF
 * expects. glTF's unit is the metre; these positions are in `units` (nanometres by default), as
 * `asset.extras.units` records, so scale on import where a viewer cares. Empty meshes are left
 * out (glTF accessors cannot be empty).
 */
export function exportGlb(meshes: ReadonlyMap<number, Mesh>, options: MeshExportOptions = {}): Uint8Array {
  const units = options.units ?? 'nm';
  const entries = [...meshes].filter(([, mesh]) => mesh.indices.length > 0);
  const accessors: object[] = [];
  const bufferViews: object[] = [];
  const parts: Uint8Array[] = [];
  let binaryLength = 0;
  const addView = (data: Float32Array | Uint32Array, target: number): number => {
    // Float32 and uint32 data keep every view 4-byte aligned, as accessors need.
    bufferViews.push({ buffer: 0, byteOffset: binaryLength, byteLength: data.byteLength, target });
    parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    binaryLength += data.byteLength;
    return bufferViews.length - 1;
  };
  const gltfMeshes = entries.map(([id, mesh]) => {
    const positions = positionsIn(mesh.positions, units);
    const { min, max } = extent(positions);
    accessors.push({ bufferView: addView(positions, ARRAY_BUFFER), componentType: FLOAT, count: positions.length / 3, type: 'VEC3', min, max });
    const position = accessors.length - 1;
    accessors.push({ bufferView: addView(mesh.indices, ELEMENT_ARRAY_BUFFER), componentType: UNSIGNED_INT, count: mesh.indices.length, type: 'SCALAR' });
    return { name: String(id), primitives: [{ attributes: { POSITION: position }, indices: accessors.length - 1, mode: TRIANGLES }] };
  });
  const gltf = withoutEmptyArrays({
    asset: { version: '2.0', generator: 'Membrana', extras: { units } },
    scene: 0,
    scenes: [withoutEmptyArrays({ name: 'neurons', nodes: entries.map((_, n) => n) })],
    nodes: entries.map(([id], n) => ({ name: String(id), mesh: n, extras: { neuron: id } })),
    meshes: gltfMeshes,
    accessors,
    bufferViews,
    buffers: binaryLength > 0 ? [{ byteLength: binaryLength }] : [],
  });
  const json = padded(new TextEncoder().encode(JSON.stringify(gltf)), 0x20);
  const binaryChunk = binaryLength > 0 ? 8 + binaryLength : 0;
  const bytes = new Uint8Array(12 + 8 + json.length + binaryChunk);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, GLB_MAGIC, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, bytes.length, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, CHUNK_JSON, true);
  bytes.set(json, 20);
  if (binaryChunk > 0) {
    let at = 20 + json.length;
    view.setUint32(at, binaryLength, true);
    view.setUint32(at + 4, CHUNK_BIN, true);
    at += 8;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
  }
  return bytes;
}

/** glTF forbids empty arrays (minItems 1): a scene without neurons leaves them out. */
function withoutEmptyArrays<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => !(Array.isArray(item) && item.length === 0))) as Partial<T>;
}

function extent(positions: Float32Array): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < positions.length; v += 3) {
    for (let axis = 0; axis < 3; axis++) {
      const value = positions[v + axis]!;
      if (value < min[axis]!) min[axis] = value;
      if (value > max[axis]!) max[axis] = value;
    }
  }
  return { min, max };
}

/** The bytes padded to a multiple of 4 with `fill` (spaces for JSON, as the GLB spec asks). */
function padded(bytes: Uint8Array, fill: number): Uint8Array {
  if (bytes.length % 4 === 0) return bytes;
  const result = new Uint8Array(Math.ceil(bytes.length / 4) * 4).fill(fill);
  result.set(bytes);
  return result;
}
