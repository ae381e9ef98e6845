import { describe, expect, it } from 'vitest';
import { exportStl } from './exportStl.js';
import { sampleMeshes } from './testing/sampleMeshes.js';
import { readStl } from './testing/readStl.js';

describe('exportStl', () => {
  it('round-trips the triangles of every neuron in order, with outward unit normals', async () => {
    const { meshes } = await sampleMeshes();
    const { header, triangles } = readStl(exportStl(meshes));
    expect(header).toMatch(/^Membrana neurons 3 17 4000000000, nanometres/);
    const expected = [...meshes.values()].flatMap((mesh) =>
      Array.from({ length: mesh.indices.length / 3 }, (_, t) => [0, 1, 2].map((k) => [...mesh.positions.subarray(mesh.indices[t * 3 + k]! * 3, mesh.indices[t * 3 + k]! * 3 + 3)])),
    );
    expect(triangles.map((triangle) => triangle.corners)).toEqual(expected);
    // Outward: the normal points away from the neuron's inside, so normal · corner summed over a closed mesh is positive (3 × volume).
    let flux = 0;
    for (const { normal, corners } of triangles) {
      expect(Math.hypot(...normal)).toBeCloseTo(1, 5);
      flux += normal.reduce((sum, value, axis) => sum + value * corners[0]![axis]!, 0);
    }
    expect(flux).toBeGreaterThan(0);
  });

  it('scales to micrometres', async () => {
    const { meshes } = await sampleMeshes();
    const nm = readStl(exportStl(new Map([[17, meshes.get(17)!]])));
    const um = readStl(exportStl(new Map([[17, meshes.get(17)!]]), { units: 'um' }));
    expect(um.header).toMatch(/micrometres/);
    expect(um.triangles[5]!.corners).toEqual(nm.triangles[5]!.corners.map((corner) => corner.map((value) => Math.fround(value / 1000))));
  });
});
