import * as zarr from 'zarrita';
import { blockAt, blockCount, type BlockGrid, type BlockRunOptions } from './blockGrid.js';
import { boxSize, cropBox, readBlockLabels } from './blockLabels.js';
import { stepLedger, type SegmentStore } from './createSegmentStore.js';
import { readMergeSummary, readRelabelTable } from './mergeBlockIds.js';
import { runStep, type StepResult } from './segmentBlocks.js';

export interface RelabelBlocksOptions extends BlockRunOptions {
  store: SegmentStore;
  grid: BlockGrid;
}

/**
 * Step 4: for each block not marked done, map its core ids through its part of the merge's
 * table and write them as the block's chunks of level 0 (durably, whole chunks), then mark it
 * done. It reads the blocks step's files, never the array it writes, so rerunning a block that
 * was killed halfway writes the same bytes again.
 */
export async function relabelBlocks(options: RelabelBlocksOptions): Promise<StepResult> {
  const { grid, store } = options;
  const summary = await readMergeSummary(store);
  const wanted = options.blocks ?? Array.from({ length: blockCount(grid) }, (_, k) => k);
  return runStep('Writing neuron ids', stepLedger(store, 'relabel'), wanted, options, async (k) => {
    const block = blockAt(grid, k);
    const [{ labels, box }, table] = await Promise.all([readBlockLabels(store, grid, block), readRelabelTable(store, summary, k)]);
    const core = cropBox(labels, box, block);
    for (let i = 0; i < core.length; i++) {
      const id = core[i]!;
      if (id !== 0) core[i] = table[id - 1]!;
    }
    const shape = boxSize(block);
    await zarr.set(store.array, [zarr.slice(block.z[0], block.z[1]), zarr.slice(block.y[0], block.y[1]), zarr.slice(block.x[0], block.x[1])], {
      data: core,
      shape,
      stride: [shape[1] * shape[2], shape[2], 1],
    });
    return {};
  });
}
