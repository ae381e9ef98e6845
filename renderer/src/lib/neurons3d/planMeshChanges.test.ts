import { describe, expect, it } from 'vitest';
import type { NeuronMesh } from './NeuronMesh.js';
import { planMeshChanges, recordOf, type MeshRecord } from './planMeshChanges.js';

function mesh(id: number, color: [number, number, number] = [1, 0, 0]): NeuronMesh {
  return { id, color, positions: new Float32Array(9), indices: new Uint32Array([0, 1, 2]) };
}

function held(...meshes: NeuronMesh[]): Map<number, MeshRecord> {
  return new Map(meshes.map((m) => [m.id, recordOf(m)]));
}

describe('planMeshChanges', () => {
  it('adds new ids and removes missing ones', () => {
    const one = mesh(1);
    const changes = planMeshChanges(held(one, mesh(2)), [one, mesh(3)]);
    expect(changes.add.map((m) => m.id)).toEqual([3]);
    expect(changes.remove).toEqual([2]);
    expect(changes.rebuild).toEqual([]);
    expect(changes.recolor).toEqual([]);
  });

  it('leaves a neuron with the same arrays and colour alone', () => {
    const one = mesh(1);
    expect(planMeshChanges(held(one), [{ ...one, color: [1, 0, 0.001] }])).toEqual({ add: [], rebuild: [], recolor: [], remove: [] });
  });

  it('rebuilds a neuron whose arrays are new, even with equal contents', () => {
    const one = mesh(1);
    const changes = planMeshChanges(held(one), [{ ...one, positions: new Float32Array(9) }]);
    expect(changes.rebuild.map((m) => m.id)).toEqual([1]);
  });

  it('rebuilds when a decimated level is added, replaced or dropped', () => {
    const lod = { positions: new Float32Array(9), indices: new Uint32Array([0, 1, 2]) };
    const one = mesh(1);
    const withLod = { ...one, lod };
    expect(planMeshChanges(held(one), [withLod]).rebuild).toHaveLength(1);
    expect(planMeshChanges(held(withLod), [{ ...one, lod: [lod] }]).rebuild).toHaveLength(0);
    expect(planMeshChanges(held(withLod), [{ ...one, lod: { ...lod, indices: new Uint32Array(3) } }]).rebuild).toHaveLength(1);
    expect(planMeshChanges(held(withLod), [one]).rebuild).toHaveLength(1);
  });

  it('only recolours when just the colour changed', () => {
    const one = mesh(1);
    const changes = planMeshChanges(held(one), [{ ...one, color: [0, 1, 0] }]);
    expect(changes.recolor.map((m) => m.id)).toEqual([1]);
    expect(changes.rebuild).toEqual([]);
  });

  it('takes the last of duplicate ids', () => {
    const changes = planMeshChanges(new Map(), [mesh(1, [1, 0, 0]), mesh(1, [0, 0, 1])]);
    expect(changes.add).toHaveLength(1);
    expect(changes.add[0]!.color).toEqual([0, 0, 1]);
  });
});
