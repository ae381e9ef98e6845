import { describe, expect, it } from 'vitest';
import { meshFiles } from './meshFiles.js';
import { readGlb } from './testing/readGlb.js';
import { sampleMeshes } from './testing/sampleMeshes.js';

describe('meshFiles', () => {
  it('names one file per neuron with triangles, or one scene file', async () => {
    const { meshes } = await sampleMeshes();
    meshes.set(8, { positions: new Float32Array(0), indices: new Uint32Array(0) });
    expect([...meshFiles(meshes, 'stl').keys()]).toEqual(['neuron-3.stl', 'neuron-17.stl', 'neuron-4000000000.stl']);
    const scene = meshFiles(meshes, 'glb', { scene: true, name: 'segments' });
    expect([...scene.keys()]).toEqual(['segments.glb']);
    expect([...readGlb(scene.get('segments.glb')!).nodes.keys()]).toEqual(['3', '17', '4000000000']);
    expect([...readGlb(meshFiles(meshes, 'glb').get('neuron-17.glb')!).nodes.keys()]).toEqual(['17']);
  });

  it('names the formats it knows when given another', async () => {
    expect(() => meshFiles(new Map(), 'vtk' as never)).toThrow(/one of obj, stl, ply, glb, not "vtk"/);
  });
});
