import type { Mesh } from '../Mesh.js';

/** Test support: parses the OBJ exportObj writes (objects `o`, vertices `v`, triangles `f`) into meshes by object name. */
export function readObj(bytes: Uint8Array): { comments: string[]; objects: Map<string, Mesh> } {
  const comments: string[] = [];
  const objects = new Map<string, Mesh>();
  const positions: number[] = [];
  let current: { name: string; first: number; indices: number[] } | undefined;
  const finish = () => {
    if (current) objects.set(current.name, { positions: Float32Array.from(positions.slice(current.first * 3)), indices: Uint32Array.from(current.indices) });
  };
  for (const line of new TextDecoder().decode(bytes).split('\n')) {
    const [keyword, ...fields] = line.trim().split(/\s+/);
    if (keyword === '#') comments.push(line.slice(1).trim());
    else if (keyword === 'o') {
      finish();
      current = { name: fields.join(' '), first: positions.length / 3, indices: [] };
    } else if (keyword === 'v') positions.push(...fields.map(Number));
    else if (keyword === 'f') {
      if (!current || fields.length !== 3) throw new Error(`unexpected face line "${line}"`);
      // 1-based and global across objects; back to this object's own 0-based indices.
      current.indices.push(...fields.map((field) => Number(field.split('/')[0]) - 1 - current!.first));
    } else if (keyword && keyword !== '') throw new Error(`unexpected OBJ line "${line}"`);
  }
  finish();
  return { comments, objects };
}
