/** Test support: parses the binary little-endian PLY exportPly writes (vertex x y z; face list + neuron). */
export function readPly(bytes: Uint8Array): { header: string[]; positions: Float32Array; indices: Uint32Array; neurons: Uint32Array } {
  const end = findHeaderEnd(bytes);
  const header = new TextDecoder().decode(bytes.subarray(0, end)).trim().split('\n');
  if (header[0] !== 'ply' || header[1] !== 'format binary_little_endian 1.0') throw new Error(`not a binary little-endian PLY: ${header.slice(0, 2).join(' / ')}`);
  const vertices = Number(header.find((line) => line.startsWith('element vertex '))!.split(' ')[2]);
  const faces = Number(header.find((line) => line.startsWith('element face '))!.split(' ')[2]);
  const expected = ['property float x', 'property float y', 'property float z', 'property list uchar uint vertex_indices', 'property uint neuron'];
  for (const line of expected) if (!header.includes(line)) throw new Error(`PLY header lacks "${line}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const positions = new Float32Array(vertices * 3);
  let at = end;
  for (let n = 0; n < positions.length; n++, at += 4) positions[n] = view.getFloat32(at, true);
  const indices = new Uint32Array(faces * 3);
  const neurons = new Uint32Array(faces);
  for (let f = 0; f < faces; f++) {
    if (view.getUint8(at) !== 3) throw new Error(`face ${f} is not a triangle`);
    for (let k = 0; k < 3; k++) indices[f * 3 + k] = view.getUint32(at + 1 + k * 4, true);
    neurons[f] = view.getUint32(at + 13, true);
    at += 17;
  }
  if (at !== bytes.length) throw new Error(`PLY has ${bytes.length - at} bytes after its faces`);
  return { header, positions, indices, neurons };
}

function findHeaderEnd(bytes: Uint8Array): number {
  const marker = new TextEncoder().encode('end_header\n');
  outer: for (let at = 0; at + marker.length <= bytes.length; at++) {
    for (let k = 0; k < marker.length; k++) if (bytes[at + k] !== marker[k]) continue outer;
    return at + marker.length;
  }
  throw new Error('PLY has no end_header line');
}
