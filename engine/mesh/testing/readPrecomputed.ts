import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mesh } from '../Mesh.js';

export interface PrecomputedInfo {
  '@type': string;
  type: string;
  data_type: string;
  num_channels: number;
  mesh: string;
  scales: { key: string; size: number[]; resolution: number[]; voxel_offset: number[]; chunk_sizes: number[][]; encoding: string }[];
}

/**
 * Test support: reads a Neuroglancer precomputed segmentation the way Neuroglancer would: the
 * info, every chunk named by its grid position (the ids reassembled into one volume, z-major
 * then row-major), and the legacy meshes by manifest. Throws on anything out of place.
 */
export async function readPrecomputed(folder: string): Promise<{ info: PrecomputedInfo; ids: Uint32Array; meshes: Map<number, Mesh>; chunkNames: string[] }> {
  const info = JSON.parse(await readFile(path.join(folder, 'info'), 'utf8')) as PrecomputedInfo;
  const scale = info.scales[0]!;
  const [width, height, depth] = scale.size as [number, number, number];
  const [cx, cy, cz] = scale.chunk_sizes[0] as [number, number, number];
  const ids = new Uint32Array(width * height * depth);
  const chunkNames = (await readdir(path.join(folder, scale.key))).sort();
  for (let z0 = 0; z0 < depth; z0 += cz) {
    for (let y0 = 0; y0 < height; y0 += cy) {
      for (let x0 = 0; x0 < width; x0 += cx) {
        const [x1, y1, z1] = [Math.min(width, x0 + cx), Math.min(height, y0 + cy), Math.min(depth, z0 + cz)];
        const bytes = await readFile(path.join(folder, scale.key, `${x0}-${x1}_${y0}-${y1}_${z0}-${z1}`));
        if (bytes.length !== (x1 - x0) * (y1 - y0) * (z1 - z0) * 4) throw new Error(`chunk ${x0}-${x1}_${y0}-${y1}_${z0}-${z1} has ${bytes.length} bytes`);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        let at = 0;
        for (let z = z0; z < z1; z++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++, at += 4) ids[(z * height + y) * width + x] = view.getUint32(at, true);
      }
    }
  }
  const meshFolder = path.join(folder, info.mesh);
  const meshInfo = JSON.parse(await readFile(path.join(meshFolder, 'info'), 'utf8')) as { '@type': string };
  if (meshInfo['@type'] !== 'neuroglancer_legacy_mesh') throw new Error(`mesh/info is ${meshInfo['@type']}`);
  const meshes = new Map<number, Mesh>();
  for (const name of await readdir(meshFolder)) {
    const match = /^(\d+):0$/.exec(name);
    if (!match) continue;
    const manifest = JSON.parse(await readFile(path.join(meshFolder, name), 'utf8')) as { fragments: string[] };
    const positions: number[] = [];
    const indices: number[] = [];
    for (const fragment of manifest.fragments) {
      const bytes = await readFile(path.join(meshFolder, fragment));
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const vertices = view.getUint32(0, true);
      const first = positions.length / 3;
      for (let n = 0; n < vertices * 3; n++) positions.push(view.getFloat32(4 + n * 4, true));
      const indexBytes = bytes.length - 4 - vertices * 12;
      if (indexBytes % 12 !== 0) throw new Error(`fragment ${fragment} has a partial triangle`);
      for (let at = 4 + vertices * 12; at < bytes.length; at += 4) indices.push(first + view.getUint32(at, true));
    }
    meshes.set(Number(match[1]), { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) });
  }
  return { info, ids, meshes, chunkNames };
}
