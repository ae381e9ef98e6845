import { describe, expect, it } from 'vitest';
import { decimateMesh } from './decimateMesh.js';
import { isManifold, meshTopology, signedVolume } from './meshChecks.js';
import { meshNeurons } from './meshNeuron.js';
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

  it('returns the mesh itself at ratio 1 and refuses ratios outside (0, 1]', async () => {
    const mesh = { positions: new Float32Array(0), indices: new Uint32Array(0) };
    expect(await decimateMesh(mesh, 1)).toBe(mesh);
    await expect(decimateMesh(mesh, 0)).rejects.toThrow(/more than 0 and at most 1, not 0/);
    await expect(decimateMesh(mesh, 1.5)).rejects.toThrow(/not 1.5/);
    await expect(decimateMesh(mesh, 0.5, { error: -1 })).rejects.toThrow(/0 or more, not -1/);
  });
});
