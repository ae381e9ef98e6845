/** Test support: parses a binary STL into its header text and triangles (normal, three corners). */
export function readStl(bytes: Uint8Array): { header: string; triangles: { normal: number[]; corners: number[][] }[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = new TextDecoder().decode(bytes.subarray(0, 80)).replace(/\0+$/, '');
  const count = view.getUint32(80, true);
  if (bytes.length !== 84 + count * 50) throw new Error(`STL of ${count} triangles should be ${84 + count * 50} bytes, not ${bytes.length}`);
  const triangles = [];
  for (let t = 0; t < count; t++) {
    const at = 84 + t * 50;
    const values = Array.from({ length: 12 }, (_, k) => view.getFloat32(at + k * 4, true));
    if (view.getUint16(at + 48, true) !== 0) throw new Error(`triangle ${t} has a non-zero attribute`);
    triangles.push({ normal: values.slice(0, 3), corners: [values.slice(3, 6), values.slice(6, 9), values.slice(9, 12)] });
  }
  return { header, triangles };
}
