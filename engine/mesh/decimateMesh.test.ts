import { readFileSync } from 'node:fs';
import { MeshoptSimplifier } from 'meshoptimizer';
import { describe, expect, it } from 'vitest';
import { readTiff } from '../io/readTiff.js';
import { decimateMesh } from './decimateMesh.js';
import { isManifold, meshTopology, signedVolume } from './meshChecks.js';
import { meshNeuron, meshNeurons } from './meshNeuron.js';
import { tissueVolume } from './testing/labelVolume.js';

describe('decimateMesh', () => {
  it('keeps every neuron of a tissue-like volume closed and manifold, even where meshoptimizer leaves fins', async () => {
    // At ratio 0.1 about one neuron in five comes back from meshoptimizer with a back-to-back
    // triangle pair; those are removed, and anything still open falls back.
    const volume = tissueVolume(192, 192, 22, 60);
    const raw = await meshNeurons(volume.ids, volume.width, volume.height, volume.depth, { x: 4, y: 4, z: 50 });
    let before = 0;
    let after = 0;
    for (const mesh of raw.values()) {
      const decimated = await decimateMesh(mesh, 0.1);
      expect(isManifold(decimated)).toBe(true);
      expect(meshTopology(decimated).components).toBe(meshTopology(mesh).components);
      expect(Math.abs(signedVolume(decimated) / signedVolume(mesh) - 1)).toBeLessThan(0.02);
      before += mesh.indices.length;
      after += decimated.indices.length;
    }
    expect(after / before).toBeLessThan(0.15);
  });

  it('repairs the pinches meshoptimizer makes in real EM labels (ISBI 2012 cells as one object, 128 × 128 × 22)', async () => {
    const file = new URL('../../../shared/data/isbi2012/train-labels.tif', import.meta.url);
    const labels = readTiff(new Uint8Array(readFileSync(file)), 'train-labels.tif');
    const size = 128;
    const ids = new Uint32Array(size * size * 22);
    for (let z = 0; z < 22; z++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) ids[(z * size + y) * size + x] = labels.data[(z * 512 + y) * 512 + x]! > 127 ? 1 : 0;
    const mesh = await meshNeuron(ids, size, size, 22, { x: 4, y: 4, z: 50 }, 1);
    await MeshoptSimplifier.ready;
    const [plain] = MeshoptSimplifier.simplify(mesh.indices, mesh.positions, 3, Math.floor(mesh.indices.length / 30) * 3, 0.02);
    expect(isManifold({ positions: mesh.positions, indices: plain })).toBe(false);
    const decimated = await decimateMesh(mesh, 0.1);
    expect(isManifold(decimated)).toBe(true);
    expect(decimated.indices.length / mesh.indices.length).toBeLessThan(0.11);
    expect(Math.abs(signedVolume(decimated) / signedVolume(mesh) - 1)).toBeLessThan(0.02);
  }, 30_000);

  it('returns the mesh itself at ratio 1 and refuses ratios outside (0, 1]', async () => {
    const mesh = { positions: new Float32Array(0), indices: new Uint32Array(0) };
    expect(await decimateMesh(mesh, 1)).toBe(mesh);
    await expect(decimateMesh(mesh, 0)).rejects.toThrow(/more than 0 and at most 1, not 0/);
    await expect(decimateMesh(mesh, 1.5)).rejects.toThrow(/not 1.5/);
    await expect(decimateMesh(mesh, 0.5, { error: -1 })).rejects.toThrow(/0 or more, not -1/);
  });
});
