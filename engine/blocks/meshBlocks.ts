import { throwIfCancelled } from '../base/cancellation.js';
import { forEachBlockFragment, overlapBox, type VoxelBox } from '../mesh/blockFragments.js';
import { legacyFragment } from '../mesh/exportPrecomputed.js';
import type { VoxelSizeNm } from '../mesh/Mesh.js';
import type { OmeZarrLevel } from '../zarr/omeZarr.js';
import { readRegion } from '../zarr/readRegion.js';
import { blockAt, blockCount, type BlockGrid, type BlockRunOptions } from './blockGrid.js';
import type { MeshBlockStore } from './MeshBlockStore.js';
import { BlockRun } from './BlockRun.js';

export interface MeshBlocksOptions extends BlockRunOptions {
  /** Level 0 of the label image: integer ids, [z, y, x]. */
  level: OmeZarrLevel;
  store: MeshBlockStore;
  /** Blocks of whole chunks of `level` (blockGrid with halo 0). */
  grid: BlockGrid;
  voxelSize: VoxelSizeNm;
}

export interface MeshBlocksResult {
  /** Blocks meshed by this call. */
  done: number[];
  /** Blocks already marked done, left alone. */
  skipped: number[];
  /** Triangles in the fragments this call wrote. */
  triangles: number;
  seconds: number;
}

interface ReadBlock {
  index: number;
  core: VoxelBox;
  box: VoxelBox;
  ids: Uint32Array;
}

/**
 * Meshes a label volume block by block into a MeshBlockStore, resumably: for each block not
 * marked done, read its ids plus one voxel into the next blocks, run blockFragments (marching
 * cubes on the cubes the block owns), write each neuron's fragment and, when the store keeps the
 * segmentation, the block's id chunks durably, then mark the block done. A block's bytes depend
 * only on the input, so resumed runs and shares i/N give the same files as one run. Memory is
 * about two blocks of ids (the next block is read while one is meshed) and one block's encoded
 * fragments; it does not grow with the volume.
 */
export async function meshBlocks(options: MeshBlocksOptions): Promise<MeshBlocksResult> {
  const { grid, store, level, voxelSize, signal } = options;
  if (grid.shape.some((size, a) => size !== level.shape[a]) || grid.block.some((size, a) => size % level.chunks[a]! !== 0)) {
    throw new Error(`The block grid [${grid.block.join(', ')}] over [${grid.shape.join(', ')}] does not fit ${level.file} (shape [${level.shape.join(', ')}], chunks [${level.chunks.join(', ')}]).`);
  }
  const wanted = options.blocks ?? Array.from({ length: blockCount(grid) }, (_, k) => k);
  const run = await BlockRun.start('Meshing blocks', store.ledger, wanted, options.onProgress);
  const { todo } = run;
  let triangles = 0;
  const read = async (index: number): Promise<ReadBlock> => {
    const { x, y, z } = blockAt(grid, index);
    const core: VoxelBox = { x, y, z };
    const box = overlapBox(core, grid.shape);
    const data = await readRegion(level, box, signal);
    return { index, core, box, ids: data instanceof Uint32Array ? data : Uint32Array.from(data) };
  };
  throwIfCancelled(signal, 'Meshing');
  let pending: Promise<ReadBlock> | null = todo.length > 0 ? read(todo[0]!) : null;
  try {
    for (let n = 0; n < todo.length; n++) {
      const labels = await pending!;
      throwIfCancelled(signal, 'Meshing');
      pending = n + 1 < todo.length ? read(todo[n + 1]!) : null;
      // Encoded as they come: a block's meshes are never all held at once.
      const fragments = new Map<number, Uint8Array>();
      forEachBlockFragment(labels, labels.core, voxelSize, (id, mesh) => {
        fragments.set(id, legacyFragment(mesh));
        triangles += mesh.indices.length / 3;
      });
      const extra = store.settings.segmentation ? precomputedChunks(labels, level.chunks, voxelSize) : undefined;
      await store.writeBlock(labels.index, fragments, extra);
      options.onBlock?.(labels.index);
      run.finish(labels.index);
      throwIfCancelled(signal, 'Meshing');
    }
  } finally {
    // A read still in flight after a failure or cancel: settle it quietly.
    pending?.catch(() => undefined);
  }
  return { done: run.done, skipped: run.skipped, triangles, seconds: run.seconds };
}

/**
 * The block's ids as Neuroglancer precomputed raw chunks (`<key>/<x0>-<x1>_<y0>-<y1>_<z0>-<z1>`,
 * uint32 little-endian, x fastest), one per Zarr chunk: blocks are whole Zarr chunks, so each
 * precomputed chunk is written by exactly one block.
 */
export function precomputedChunks(labels: ReadBlock, chunks: readonly number[], voxelSize: VoxelSizeNm): Map<string, Uint8Array> {
  const key = precomputedScaleKey(voxelSize);
  const { core, box, ids } = labels;
  const width = box.x[1] - box.x[0];
  const height = box.y[1] - box.y[0];
  const [cz, cy, cx] = chunks as [number, number, number];
  const files = new Map<string, Uint8Array>();
  for (let z0 = core.z[0]; z0 < core.z[1]; z0 += cz) {
    for (let y0 = core.y[0]; y0 < core.y[1]; y0 += cy) {
      for (let x0 = core.x[0]; x0 < core.x[1]; x0 += cx) {
        const [x1, y1, z1] = [Math.min(core.x[1], x0 + cx), Math.min(core.y[1], y0 + cy), Math.min(core.z[1], z0 + cz)];
        const chunk = new Uint32Array((x1 - x0) * (y1 - y0) * (z1 - z0));
        let at = 0;
        for (let z = z0; z < z1; z++) {
          for (let y = y0; y < y1; y++) {
            const from = ((z - box.z[0]) * height + (y - box.y[0])) * width + (x0 - box.x[0]);
            chunk.set(ids.subarray(from, from + x1 - x0), at);
            at += x1 - x0;
          }
        }
        files.set(`${key}/${x0}-${x1}_${y0}-${y1}_${z0}-${z1}`, littleEndian(chunk));
      }
    }
  }
  return files;
}

/** The precomputed scale key, as exportPrecomputed names it. */
export function precomputedScaleKey(voxelSize: VoxelSizeNm): string {
  return `${voxelSize.x}_${voxelSize.y}_${voxelSize.z}`;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndian(values: Uint32Array): Uint8Array {
  if (HOST_LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  for (let n = 0; n < values.length; n++) view.setUint32(n * 4, values[n]!, true);
  return bytes;
}
