import { describe, expect, it } from 'vitest';
import { exportPly } from './exportPly.js';
import { isClosed } from './meshChecks.js';
import { readPly } from './testing/readPly.js';
import { sampleMeshes } from './testing/sampleMeshes.js';

describe('exportPly', () => {
  it('round-trips all neurons in one vertex and face list, each face tagged with its neuron', async () => {
    const { meshes } = await sampleMeshes();
    const ply = readPly(exportPly(meshes));
    expect(ply.header).toContain('comment Membrana neurons, positions in nanometres');
    let vertexOffset = 0;
    let faceOffset = 0;
    for (const [id, mesh] of meshes) {
      const vertices = mesh.positions.length / 3;
      const faces = mesh.indices.length / 3;
      expect(ply.positions.subarray(vertexOffset * 3, (vertexOffset + vertices) * 3)).toEqual(mesh.positions);
      expect(ply.indices.subarray(faceOffset * 3, (faceOffset + faces) * 3)).toEqual(mesh.indices.map((v) => v + vertexOffset));
      expect(ply.neurons.subarray(faceOffset, faceOffset + faces).every((neuron) => neuron === id)).toBe(true);
      vertexOffset += vertices;
      faceOffset += faces;
    }
    expect(isClosed({ positions: ply.positions, indices: ply.indices })).toBe(true);
  });

  it('scales to micrometres', async () => {
    const { meshes } = await sampleMeshes();
    const one = new Map([[3, meshes.get(3)!]]);
    const ply = readPly(exportPly(one, { units: 'um' }));
    expect(ply.header).toContain('comment Membrana neurons, positions in micrometres');
    expect(ply.positions).toEqual(meshes.get(3)!.positions.map((value) => value / 1000));
  });
});
