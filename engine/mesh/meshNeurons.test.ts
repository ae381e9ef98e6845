import { describe, expect, it } from 'vitest';
import type { Progress } from '../../protocol/contract.js';
import { isClosed, isManifold, signedVolume } from './meshChecks.js';
import { meshNeurons } from './meshNeuron.js';
import { neuronBounds } from './neuronBounds.js';
import { labelVolume, tissueVolume } from './testing/labelVolume.js';

const ISBI = { x: 4, y: 4, z: 50 };

describe('meshNeurons', () => {
  it('meshes every neuron, or only the ids asked for, leaving out ids with no voxel', async () => {
    const volume = labelVolume(12, 10, 6, (x, y) => (x < 4 ? 5 : x < 8 ? (y < 5 ? 2 : 9) : 0));
    const all = await meshNeurons(volume.ids, 12, 10, 6, ISBI);
    expect([...all.keys()]).toEqual([2, 5, 9]);
    for (const mesh of all.values()) expect(isManifold(mesh)).toBe(true);
    const some = await meshNeurons(volume.ids, 12, 10, 6, ISBI, { ids: [9, 77, 0, 9, 2] });
    expect([...some.keys()]).toEqual([2, 9]);
    expect(some.get(9)).toEqual(all.get(9));
  });

  it('reports progress up to 1 and stops with CANCELLED when aborted', async () => {
    const volume = tissueVolume(256, 256, 22, 100);
    const seen: Progress[] = [];
    await meshNeurons(volume.ids, 256, 256, 22, ISBI, { onProgress: (progress) => seen.push(progress) });
    expect(seen[0]!.fraction).toBe(0);
    expect(seen.at(-1)!.fraction).toBe(1);
    const fractions = seen.map((progress) => progress.fraction!);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));

    const controller = new AbortController();
    const meshing = meshNeurons(volume.ids, 256, 256, 22, ISBI, { smoothing: 5, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(meshing).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('refuses a decimation ratio outside (0, 1] before doing any work', async () => {
    await expect(meshNeurons(new Uint32Array(8), 2, 2, 2, ISBI, { decimate: 0 })).rejects.toThrow(/not 0/);
  });

  it('meshes ~500 neurons of a 512 × 512 × 22 volume in seconds, every one closed', async () => {
    const volume = tissueVolume(512, 512, 22, 500);
    let started = performance.now();
    const bounds = neuronBounds(volume.ids, 512, 512, 22);
    const boundsSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const meshes = await meshNeurons(volume.ids, 512, 512, 22, ISBI);
    const seconds = (performance.now() - started) / 1000;
    started = performance.now();
    const decimated = await meshNeurons(volume.ids, 512, 512, 22, ISBI, { smoothing: 2, decimate: 0.25 });
    const decimatedSeconds = (performance.now() - started) / 1000;
    let triangles = 0;
    let kept = 0;
    for (const [id, mesh] of meshes) {
      triangles += mesh.indices.length / 3;
      kept += decimated.get(id)!.indices.length / 3;
    }
    console.log(
      `${meshes.size} neurons, 512 × 512 × 22: bounds ${boundsSeconds.toFixed(2)} s; meshing ${seconds.toFixed(2)} s, ${triangles} triangles; ` +
        `smoothing 2 + decimating to 0.25: ${decimatedSeconds.toFixed(2)} s, ${kept} triangles`,
    );
    expect(meshes.size).toBe(bounds.size);
    expect(meshes.size).toBeGreaterThan(450);
    expect(seconds).toBeLessThan(10); // about 0.5 s on a 2-core machine running other tests
    let enclosed = 0;
    for (const [id, mesh] of meshes) {
      if (id % 25 === 0) expect(isClosed(mesh)).toBe(true);
      enclosed += signedVolume(mesh);
    }
    // Neurons here are 20+ voxels across in x and y and 22 slices deep: within 1 % overall.
    let voxels = 0;
    for (const entry of bounds.values()) voxels += entry.voxels;
    expect(Math.abs(enclosed / (voxels * 4 * 4 * 50) - 1)).toBeLessThan(0.01);
  }, 120_000);
});
