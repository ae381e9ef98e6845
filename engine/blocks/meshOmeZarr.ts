import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Progress } from '../../protocol/contract.js';
import { nanometresPerUnit, toNanometres } from '../io/physicalUnit.js';
import type { NeuronExportFormat } from '../mesh/exportNeuronMeshes.js';
import type { Mesh, VoxelSizeNm } from '../mesh/Mesh.js';
import { MeshExportError } from '../mesh/MeshExportError.js';
import { meshFiles, type MeshFileFormat } from '../mesh/meshFiles.js';
import { checkVoxelSize, type MeshOptions } from '../mesh/meshNeuron.js';
import type { LengthUnit } from '../mesh/meshUnits.js';
import { checkOutputFolder, writeFolderAtomic } from '../mesh/writeFolderAtomic.js';
import { openOmeZarr, type OmeZarrLevel } from '../zarr/omeZarr.js';
import { ZarrError } from '../zarr/ZarrError.js';
import { blockCount, blockGrid, blocksForShare } from './blockGrid.js';
import { finishedNeurons, weldNeurons, writePrecomputedIndex } from './finishBlockMeshes.js';
import { meshBlocks } from './meshBlocks.js';
import { MeshBlockStore } from './MeshBlockStore.js';

/** Where mesh-file exports keep their block fragments, inside the output folder. */
export const FRAGMENT_STORE = '.membrana-fragments';

export interface MeshOmeZarrOptions extends MeshOptions {
  /** The label image folder (OME-Zarr, NGFF 0.4 or 0.5): integer neuron ids, 0 = background. */
  input: string;
  /** The folder to write: the precomputed dataset itself, or where mesh files go. */
  output: string;
  format: NeuronExportFormat;
  /** This job's share i of N (default 0 of 1: every block). */
  share?: number;
  shares?: number;
  /** Neurons to export (default all); an id with no voxel is an error. */
  ids?: readonly number[];
  /** Overrides the image's voxel size (nm). */
  voxelSize?: VoxelSizeNm;
  units?: LengthUnit;
  scene?: boolean;
  name?: string;
  /** Smallest block edge in y/x (default 512; tests use small blocks). */
  minEdge?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Called with a sentence when something is assumed (an unknown voxel size). */
  onWarning?: (message: string) => void;
}

export interface MeshOmeZarrResult {
  blocks: number;
  /** Blocks meshed by this run, and found done already. */
  meshed: number;
  skipped: number;
  /** Blocks of the whole volume not yet done (other shares'); the export waits for them. */
  remaining: number;
  /** Whether the export was written (every block done). */
  finished: boolean;
  neurons: number;
  triangles: number;
  files: string[];
  seconds: number;
}

/** Whether `file` names an OME-Zarr folder (Zarr metadata inside, or a .zarr name) rather than a stack file. */
export function isOmeZarrInput(file: string): boolean {
  if (existsSync(file) && statSync(file).isDirectory()) return ['zarr.json', '.zattrs', '.zgroup', '.zarray'].some((name) => existsSync(path.join(file, name)));
  return /\.zarr\/?$/i.test(file);
}

/**
 * `membrana mesh seg.ome.zarr -o out --format F [--blocks i/N] [--ids ...]`: meshes level 0 of a
 * label image that need not fit in memory, block by block (meshBlocks, resumable, shareable),
 * and once every block is done writes the export: for precomputed the manifests and info beside
 * the fragments (the output is the store); for mesh files each neuron welded from its fragments,
 * smoothed and decimated (the fragments stay in `<output>/.membrana-fragments` for reruns).
 */
export async function meshOmeZarr(options: MeshOmeZarrOptions): Promise<MeshOmeZarrResult> {
  const started = performance.now();
  const input = path.resolve(options.input);
  const output = path.resolve(options.output);
  const precomputed = options.format === 'precomputed';
  if (precomputed && process.platform === 'win32') {
    throw new MeshExportError('WRITE_FAILED', 'Neuroglancer precomputed meshes cannot be written on Windows: their manifests are named "<id>:0", and Windows file names cannot hold a colon.', { file: output, hint: 'Export the precomputed dataset on Linux or macOS (or into WSL), or choose glb, obj, ply or stl.' });
  }
  const { level, voxelSize } = await openLabels(input, options);
  await checkOutputFolder(output, 'merge');
  const grid = blockGrid(level.shape, level.chunks, { halo: 0, minEdge: options.minEdge });
  const store = await MeshBlockStore.open(precomputed ? output : path.join(output, FRAGMENT_STORE), {
    format: 'membrana-mesh-blocks',
    version: 1,
    input: path.basename(input),
    shape: [...level.shape],
    chunks: [...level.chunks],
    block: [...grid.block],
    voxelSize,
    segmentation: precomputed,
  });
  const blocks = blockCount(grid);
  const share = blocksForShare(grid, options.share ?? 0, options.shares ?? 1);
  const run = await meshBlocks({ level, store, grid, voxelSize, blocks: share, signal: options.signal, onProgress: options.onProgress });
  const remaining = blocks - (await store.ledger.done()).size;
  const result = { blocks, meshed: run.done.length, skipped: run.skipped.length, remaining, finished: false, neurons: 0, triangles: 0, files: [] as string[] };
  const seconds = (): number => (performance.now() - started) / 1000;
  if (remaining > 0) return { ...result, seconds: seconds() };
  const neurons = await finishedNeurons(store, blocks, options.ids, input);
  let files: string[];
  let triangles = 0;
  if (precomputed) {
    files = await writePrecomputedIndex(store, neurons);
    for (const entry of neurons.values()) triangles += entry.triangles;
  } else {
    const format = options.format as MeshFileFormat;
    const fileOptions = { units: options.units, scene: options.scene, name: options.name };
    files = [];
    // Per-neuron files go out a batch at a time, so the meshes never all sit in memory; a scene needs them all.
    const batch = new Map<number, Mesh>();
    const flush = async (): Promise<void> => {
      if (batch.size === 0) return;
      files.push(...(await writeFolderAtomic(output, meshFiles(batch, format, fileOptions), { mode: 'merge' })));
      batch.clear();
    };
    for await (const [id, mesh] of weldNeurons(store, neurons, options)) {
      batch.set(id, mesh);
      triangles += mesh.indices.length / 3;
      if (!options.scene && batch.size >= 64) await flush();
    }
    await flush();
  }
  return { ...result, finished: true, neurons: neurons.size, triangles, files, seconds: seconds() };
}

/** Level 0 of a label image and its voxel size in nm, or an error that names the path and what to give. */
export async function openLabels(input: string, options: Pick<MeshOmeZarrOptions, 'voxelSize' | 'onWarning'> = {}): Promise<{ level: OmeZarrLevel; voxelSize: VoxelSizeNm }> {
  if (!existsSync(input)) {
    throw new ZarrError('NOT_OME_ZARR', `No OME-Zarr label image at ${input}.`, { file: input, hint: 'Check the path: give the label image folder itself (for example seg.ome.zarr, or image.ome.zarr/labels/segments).' });
  }
  const image = await openOmeZarr(input);
  const level = image.levels[0]!;
  if (level.dtype === 'float32') {
    const labels = image.labels.length > 0 ? ` It has label images: give ${image.labels.map((name) => path.join(input, 'labels', name)).join(' or ')}.` : '';
    throw new MeshExportError('NOT_IDS', `${level.file} holds 32-bit floating point voxels, not neuron ids.${labels}`, { file: level.file, hint: 'Give the segmentation: a label image of whole-number ids (uint32, or 8/16-bit or uint64), one per neuron, 0 for background.' });
  }
  if (options.voxelSize) {
    checkVoxelSize(options.voxelSize);
    return { level, voxelSize: options.voxelSize };
  }
  const factor = nanometresPerUnit(image.voxelSize.unit);
  if (typeof factor !== 'number') {
    options.onWarning?.(`${input} does not give its voxel size in a length unit ("${image.voxelSize.unit}"); meshing at 1 × 1 × 1 nm. Give --voxel-size (4,4,50 for ISBI 2012).`);
    return { level, voxelSize: { x: 1, y: 1, z: 1 } };
  }
  const { x, y, z } = image.voxelSize;
  return { level, voxelSize: { x: toNanometres(x, factor), y: toNanometres(y, factor), z: toNanometres(z, factor) } };
}
