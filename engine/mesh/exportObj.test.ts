import { describe, expect, it } from 'vitest';
import { exportObj, float32Text } from './exportObj.js';
import { isClosed } from './meshChecks.js';
import { readObj } from './testing/readObj.js';
import { sampleMeshes } from './testing/sampleMeshes.js';

describe('exportObj', () => {
  it('round-trips every neuron as its own object, vertices and triangles exactly', async () => {
    const { meshes } = await sampleMeshes();
    const { comments, objects } = readObj(exportObj(meshes));
    expect(comments[0]).toMatch(/nanometres/);
    expect([...objects.keys()]).toEqual(['neuron-3', 'neuron-17', 'neuron-4000000000']);
    for (const [id, mesh] of meshes) {
      const read = objects.get(`neuron-${id}`)!;
      expect(read.positions).toEqual(mesh.positions);
      expect(read.indices).toEqual(mesh.indices);
      expect(isClosed(read)).toBe(true);
    }
  });

  it('writes micrometres when asked', async () => {
    const { meshes } = await sampleMeshes();
    const { comments, objects } = readObj(exportObj(meshes, { units: 'um' }));
    expect(comments[0]).toMatch(/micrometres/);
    const mesh = meshes.get(17)!;
    expect(objects.get('neuron-17')!.positions).toEqual(mesh.positions.map((value) => value / 1000));
  });

  it('prints the shortest decimal that reads back as the same float32', () => {
    expect(float32Text(48)).toBe('48');
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    for (const value of [Math.fround(1 / 3), Math.fround(123456.789), Math.fround(1e-7), Math.fround(-2.5e9)]) {
      expect(Math.fround(Number(float32Text(value)))).toBe(value);
    }
  });
});
