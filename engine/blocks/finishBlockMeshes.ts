import path from 'node:path';
import type { Progress } from '../../protocol/contract.js';
import { throwIfCancelled } from '../base/cancellation.js';
import { decimateMesh } from '../mesh/decimateMesh.js';
import type { Mesh } from '../mesh/Mesh.js';
import { MeshExportError } from '../mesh/MeshExportError.js';
import type { MeshOptions } from '../mesh/meshNeuron.js';
import { smoothMesh } from '../mesh/smoothMesh.js';
import { weldFragments } from '../mesh/weldFragments.js';
import { precomputedScaleKey } from './meshBlocks.js';
import { MESH_FOLDER, MeshBlockStore, type NeuronFragments } from './MeshBlockStore.js';
import { writeFilesDurable } from '../base/writeFilesDurable.js';

/**
 * The neurons of a finished store that were asked for (all when `ids` is undefined), with their
 * fragments. Throws when blocks are missing, or naming each asked id that no block has.
 */
export async function finishedNeurons(store: MeshBlockStore, blocks: number, ids: readonly number[] | undefined, input: string): Promise<Map<number, NeuronFragments>> {
  const { blocksDone, neurons } = await store.neurons();
  if (blocksDone < blocks) throw new Error(`Only ${blocksDone} of ${blocks} blocks of ${store.folder} are done: run the remaining shares (or once without --blocks) first.`);
  if (ids === undefined) {
    if (neurons.size === 0) throw new MeshExportError('NO_NEURONS', `${input} holds no neuron (every voxel is 0), so there is nothing to export.`, { file: input, hint: 'Give the segmentation (neuron ids), not a membrane prediction or an empty label image.' });
    return neurons;
  }
  const missing = [...new Set(ids)].filter((id) => !neurons.has(id));
  if (missing.length > 0) {
    const list = missing.length > 10 ? `${missing.slice(0, 10).join(', ')} and ${missing.length - 10} more` : missing.join(', ');
    throw new MeshExportError('NO_NEURONS', `${input} has no neuron ${list} (no voxel holds ${missing.length === 1 ? 'that id' : 'those ids'}), so ${missing.length === 1 ? 'it' : 'they'} cannot be meshed.`, { file: input, hint: 'Check the ids against the segmentation (0 is background, never a neuron), or leave out --ids to mesh every neuron.' });
  }
  return new Map([...new Set(ids)].sort((a, b) => a - b).map((id) => [id, neurons.get(id)!]));
}

/**
 * The small final step of a precomputed export: one manifest `mesh/<id>:0` per neuron listing
 * its block fragments, `mesh/info`, and the dataset's `info` last (Neuroglancer reads it first,
 * so a dataset with an info is complete). Each file is replaced atomically, so jobs that finish
 * together may both write them.
 */
export async function writePrecomputedIndex(store: MeshBlockStore, neurons: ReadonlyMap<number, NeuronFragments>): Promise<string[]> {
  const { shape, chunks, voxelSize } = store.settings;
  const files = new Map<string, string>();
  for (const [id, { blocks }] of neurons) files.set(path.join(store.folder, MESH_FOLDER, `${id}:0`), JSON.stringify({ fragments: blocks.map((block) => MeshBlockStore.fragmentName(id, block)) }));
  files.set(path.join(store.folder, MESH_FOLDER, 'info'), JSON.stringify({ '@type': 'neuroglancer_legacy_mesh' }));
  await writeFilesDurable(files, { atomic: true });
  const info = {
    '@type': 'neuroglancer_multiscale_volume',
    type: 'segmentation',
    data_type: 'uint32',
    num_channels: 1,
    mesh: MESH_FOLDER,
    scales: [{ key: precomputedScaleKey(voxelSize), size: [shape[2], shape[1], shape[0]], resolution: [voxelSize.x, voxelSize.y, voxelSize.z], voxel_offset: [0, 0, 0], chunk_sizes: [[chunks[2], chunks[1], chunks[0]]], encoding: 'raw' }],
  };
  const infoFile = path.join(store.folder, 'info');
  await writeFilesDurable(new Map([[infoFile, JSON.stringify(info)]]), { atomic: true });
  return [...files.keys(), infoFile];
}

export interface WeldNeuronsOptions extends MeshOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/**
 * Each neuron's mesh from its block fragments only: read, weld (weldFragments: the exact
 * whole-volume marching-cubes surface), then smooth and decimate as meshNeuron does. Yields one
 * neuron at a time, so a caller can write and drop meshes and never hold them all.
 */
export async function* weldNeurons(store: MeshBlockStore, neurons: ReadonlyMap<number, NeuronFragments>, options: WeldNeuronsOptions = {}): AsyncGenerator<[number, Mesh]> {
  const total = [...neurons.values()].reduce((sum, entry) => sum + entry.triangles, 0);
  const started = performance.now();
  let done = 0;
  let count = 0;
  for (const [id, entry] of neurons) {
    throwIfCancelled(options.signal, 'Meshing');
    const welded = weldFragments(await store.readFragments(id, entry.blocks));
    const smoothed = smoothMesh(welded, options.smoothing ?? 0);
    yield [id, options.decimate === undefined ? smoothed : await decimateMesh(smoothed, options.decimate, { error: options.decimateError })];
    done += entry.triangles;
    count++;
    const fraction = total === 0 ? 1 : done / total;
    const elapsed = (performance.now() - started) / 1000;
    options.onProgress?.({ stage: `Welding neurons, ${count} of ${neurons.size} done`, fraction, ...(fraction > 0 ? { etaSeconds: (elapsed * (1 - fraction)) / fraction } : {}) });
  }
}
