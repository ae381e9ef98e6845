import { describe, expect, it } from 'vitest';
import { exportGlb } from './exportGlb.js';
import { isClosed } from './meshChecks.js';
import { readGlb } from './testing/readGlb.js';
import { sampleMeshes } from './testing/sampleMeshes.js';

describe('exportGlb', () => {
  it('round-trips one node and mesh per neuron, named by id, through accessors and buffer views', async () => {
    const { meshes } = await sampleMeshes();
    const { json, nodes } = readGlb(exportGlb(meshes));
    expect(json.asset).toEqual({ version: '2.0', generator: 'Membrana', extras: { units: 'nm' } });
    expect(json.nodes!.map((node) => node.name)).toEqual(['3', '17', '4000000000']);
    expect(json.meshes!.map((mesh) => mesh.name)).toEqual(['3', '17', '4000000000']);
    for (const [id, mesh] of meshes) {
      const read = nodes.get(String(id))!;
      expect(read.positions).toEqual(mesh.positions);
      expect(read.indices).toEqual(mesh.indices);
      expect(isClosed(read)).toBe(true);
    }
  });

  it('gives every POSITION accessor the exact min and max glTF requires, and uint32 indices', async () => {
    const { meshes } = await sampleMeshes();
    const { json } = readGlb(exportGlb(meshes, { units: 'um' }));
    expect(json.asset.extras).toEqual({ units: 'um' });
    [...meshes.values()].forEach((mesh, n) => {
      const primitive = json.meshes![n]!.primitives[0]!;
      const position = json.accessors![primitive.attributes.POSITION]!;
      const scaled = mesh.positions.map((value) => value / 1000);
      for (let axis = 0; axis < 3; axis++) {
        const values = scaled.filter((_, k) => k % 3 === axis);
        expect(position.min![axis]).toBe(Math.min(...values));
        expect(position.max![axis]).toBe(Math.max(...values));
      }
      expect(json.accessors![primitive.indices!]!.componentType).toBe(5125);
      expect(json.bufferViews![position.bufferView]!.target).toBe(34962);
    });
  });

  it('leaves empty meshes out, and writes a valid file with no mesh at all', () => {
    const empty = { positions: new Float32Array(0), indices: new Uint32Array(0) };
    const { json, nodes } = readGlb(exportGlb(new Map([[1, empty]])));
    expect(nodes.size).toBe(0);
    expect(json.nodes).toBeUndefined();
    expect(json.buffers).toBeUndefined();
  });
});
