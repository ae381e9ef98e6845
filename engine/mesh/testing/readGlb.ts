import type { Mesh } from '../Mesh.js';

/** The parts of glTF JSON the tests look at. */
export interface GltfJson {
  asset: { version: string; generator?: string; extras?: { units?: string } };
  scene?: number;
  scenes?: { nodes?: number[] }[];
  nodes?: { name?: string; mesh?: number }[];
  meshes?: { name?: string; primitives: { attributes: { POSITION: number }; indices?: number; mode?: number }[] }[];
  accessors?: { bufferView: number; byteOffset?: number; componentType: number; count: number; type: string; min?: number[]; max?: number[] }[];
  bufferViews?: { buffer: number; byteOffset?: number; byteLength: number; byteStride?: number; target?: number }[];
  buffers?: { byteLength: number }[];
}

/**
 * Test support: parses a GLB (header, JSON chunk, BIN chunk), checks the container's rules
 * (magic, version, lengths, 4-byte padding), and follows each scene node's mesh through its
 * accessors and buffer views to positions and indices, by node name.
 */
export function readGlb(bytes: Uint8Array): { json: GltfJson; nodes: Map<string, Mesh> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== 0x46546c67) throw new Error('not a GLB: bad magic');
  if (view.getUint32(4, true) !== 2) throw new Error('not glTF 2');
  if (view.getUint32(8, true) !== bytes.length) throw new Error('GLB length field differs from the file size');
  const jsonLength = view.getUint32(12, true);
  if (view.getUint32(16, true) !== 0x4e4f534a || jsonLength % 4 !== 0) throw new Error('first chunk is not padded JSON');
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength))) as GltfJson;
  let binary = new Uint8Array(0);
  const binAt = 20 + jsonLength;
  if (binAt < bytes.length) {
    const binLength = view.getUint32(binAt, true);
    if (view.getUint32(binAt + 4, true) !== 0x004e4942 || binLength % 4 !== 0) throw new Error('second chunk is not padded BIN');
    binary = bytes.slice(binAt + 8, binAt + 8 + binLength);
    if (binary.length < (json.buffers?.[0]?.byteLength ?? 0)) throw new Error('BIN chunk shorter than buffer 0');
  }
  const read = (accessorIndex: number, componentType: number, type: string): Float32Array | Uint32Array => {
    const accessor = json.accessors![accessorIndex]!;
    if (accessor.componentType !== componentType || accessor.type !== type) throw new Error(`accessor ${accessorIndex} is ${accessor.componentType} ${accessor.type}`);
    const bufferView = json.bufferViews![accessor.bufferView]!;
    const offset = (bufferView.byteOffset ?? 0) + (accessor.byteOffset ?? 0);
    if (offset % 4 !== 0) throw new Error(`accessor ${accessorIndex} is not 4-byte aligned`);
    const components = type === 'VEC3' ? 3 : 1;
    const copy = binary.slice(offset, offset + accessor.count * components * 4);
    if (copy.length !== accessor.count * components * 4 || offset + copy.length > (bufferView.byteOffset ?? 0) + bufferView.byteLength) throw new Error(`accessor ${accessorIndex} overruns its buffer view`);
    return componentType === 5126 ? new Float32Array(copy.buffer) : new Uint32Array(copy.buffer);
  };
  const nodes = new Map<string, Mesh>();
  for (const nodeIndex of json.scenes?.[json.scene ?? 0]?.nodes ?? []) {
    const node = json.nodes![nodeIndex]!;
    const primitive = json.meshes![node.mesh!]!.primitives[0]!;
    if ((primitive.mode ?? 4) !== 4) throw new Error('primitive is not triangles');
    nodes.set(node.name ?? String(nodeIndex), { positions: read(primitive.attributes.POSITION, 5126, 'VEC3') as Float32Array, indices: read(primitive.indices!, 5125, 'SCALAR') as Uint32Array });
  }
  return { json, nodes };
}
