import { open, readFile } from 'node:fs/promises';
import { findRoot, union } from '../base/unionFind.js';
import { blockCount, type BlockGrid } from './blockGrid.js';
import { faceEdgesFile, blockFaces } from './blockFaces.js';
import { readBlockRecord, readBlockStats, type BlockRecord } from './blockLabels.js';
import { stepFile, stepLedger, type SegmentSettings, type SegmentStore } from './createSegmentStore.js';
import { writeFileAtomic } from '../base/atomicWrite.js';

/** The merge step's summary, `.membrana-segment/merge/merge.json`. */
export interface MergeSummary {
  /** Final neuron ids are 1..neurons. */
  neurons: number;
  /** Block k's core id j (1-based) is entry offsets[k] + j − 1 of relabel.u32. */
  offsets: number[];
  /** Core ids per block. */
  coreCounts: number[];
  /** Face pairs read. */
  edges: number;
}

export interface MergeResult extends MergeSummary {
  /** False when the merge was already done and was left alone. */
  merged: boolean;
  seconds: number;
}

const MERGE_MARKER = 0;

/**
 * Step 3, one process. Nodes are every block's 2D segment ids (block k's id j is node
 * nodeOffsets[k] + j − 1).
 * 1. Union-find over the face pairs: each set is one 2D segment of the volume, however many
 *    blocks it spans.
 * 2. Its area and its overlaps with the next slice's segments are the sums of the blocks' core
 *    counts (each voxel is in one block's core, so nothing is counted twice).
 * 3. linkSlices' rule on those sums (overlap ≥ linkThreshold of the smaller segment and ≥
 *    linkLargerThreshold of the larger, best partner), union-find again: the neurons, as
 *    segmentVolume links them.
 * Final ids 1..neurons in order of (block, first core voxel) go to the table `relabel.u32`
 * (little-endian, one entry per core id), with `merge.json`; then the merge is marked done.
 * Needs every block and face done. Memory: about 40 bytes per 2D segment and per overlap.
 */
export async function mergeBlockIds(store: SegmentStore, grid: BlockGrid): Promise<MergeResult> {
  const started = performance.now();
  const ledger = stepLedger(store, 'merge');
  if (await ledger.isDone(MERGE_MARKER)) return { ...(await readMergeSummary(store)), merged: false, seconds: (performance.now() - started) / 1000 };
  const blocks = blockCount(grid);
  const doneBlocks = await stepLedger(store, 'blocks').done();
  const missingBlocks = Array.from({ length: blocks }, (_, k) => k).filter((k) => !doneBlocks.has(k));
  if (missingBlocks.length > 0) throw new Error(`${missingBlocks.length} of ${blocks} blocks of ${store.folder} are not segmented yet (first: ${missingBlocks.slice(0, 5).join(', ')}): run --step blocks for every share first.`);
  const records: BlockRecord[] = [];
  for (let k = 0; k < blocks; k++) records.push(await readBlockRecord(store, k));
  const faces = blockFaces(grid);
  const doneFaces = await stepLedger(store, 'faces').done();
  const missingFaces = faces.filter((face) => !doneFaces.has(face.index));
  if (missingFaces.length > 0) throw new Error(`${missingFaces.length} of ${faces.length} block faces of ${store.folder} are not linked yet (first: ${missingFaces.slice(0, 5).map((f) => f.index).join(', ')}): run --step faces for every share first.`);

  const nodeOffsets: number[] = [];
  let nodes = 0;
  for (const record of records) {
    nodeOffsets.push(nodes);
    nodes += record.count;
  }
  // Pair keys are root · nodes + root: exact below 2^26 nodes.
  if (nodes > 2 ** 26) throw new Error(`The blocks of ${store.folder} hold ${nodes} segment ids in all, too many to merge in one process; use bigger blocks.`);
  const same = new Int32Array(nodes);
  for (let i = 0; i < nodes; i++) same[i] = i;
  let edges = 0;
  for (const face of faces) {
    const file = faceEdgesFile(store, face.index);
    const { pairs } = JSON.parse(await readFile(file, 'utf8')) as { pairs: [number, number][] };
    for (const [la, lb] of pairs) {
      if (!(la >= 1 && la <= records[face.a]!.count && lb >= 1 && lb <= records[face.b]!.count)) throw new Error(`${file} names ids outside blocks ${face.a} and ${face.b}: delete its marker and rerun --step faces.`);
      union(same, nodeOffsets[face.a]! + la - 1, nodeOffsets[face.b]! + lb - 1);
      edges++;
    }
  }

  // Sum areas and overlaps per 2D segment of the volume (its root in `same`).
  const areas = new Float64Array(nodes);
  const overlaps = new Map<number, number>();
  for (let k = 0; k < blocks; k++) {
    const stats = await readBlockStats(store, k, records[k]!);
    const base = nodeOffsets[k]! - 1;
    stats.areas.forEach((area, j) => (areas[findRoot(same, base + j + 1)]! += area));
    for (let t = 0; t < stats.overlaps.length; t += 3) {
      const key = findRoot(same, base + stats.overlaps[t]!) * nodes + findRoot(same, base + stats.overlaps[t + 1]!);
      overlaps.set(key, (overlaps.get(key) ?? 0) + stats.overlaps[t + 2]!);
    }
  }
  const neuron = linkSegments(same, areas, overlaps, nodes, store.settings);

  const offsets: number[] = [];
  const coreCounts = records.map((record) => record.coreCount);
  let entries = 0;
  for (const count of coreCounts) {
    offsets.push(entries);
    entries += count;
  }
  const table = new Uint32Array(entries);
  const finalOfRoot = new Uint32Array(nodes);
  let neurons = 0;
  for (let k = 0; k < blocks; k++) {
    for (let j = 1; j <= coreCounts[k]!; j++) {
      const root = findRoot(neuron, findRoot(same, nodeOffsets[k]! + j - 1));
      if (finalOfRoot[root] === 0) finalOfRoot[root] = ++neurons;
      table[offsets[k]! + j - 1] = finalOfRoot[root]!;
    }
  }
  await writeFileAtomic(stepFile(store, 'merge', 'relabel.u32'), new Uint8Array(table.buffer), { createFolder: true });
  const summary: MergeSummary = { neurons, offsets, coreCounts, edges };
  await writeFileAtomic(stepFile(store, 'merge', 'merge.json'), `${JSON.stringify(summary)}\n`, { createFolder: true });
  await ledger.markDone(MERGE_MARKER, { neurons });
  return { ...summary, merged: true, seconds: (performance.now() - started) / 1000 };
}

/** Neurons: union-find over 2D segments (roots of `same`) by linkSlices' rule on the summed counts. */
function linkSegments(same: Int32Array, areas: Float64Array, overlaps: Map<number, number>, nodes: number, settings: SegmentSettings): Int32Array {
  const bestOfA = new Map<number, { partner: number; overlap: number }>();
  const bestOfB = new Map<number, { partner: number; overlap: number }>();
  // In key order, so that ties go the same way whichever order the blocks were done in.
  const pairs = [...overlaps].sort((p, q) => p[0] - q[0]);
  for (const [key, overlap] of pairs) {
    const a = Math.floor(key / nodes), b = key % nodes;
    if (overlap > (bestOfA.get(a)?.overlap ?? 0)) bestOfA.set(a, { partner: b, overlap });
    if (overlap > (bestOfB.get(b)?.overlap ?? 0)) bestOfB.set(b, { partner: a, overlap });
  }
  const neuron = new Int32Array(nodes);
  for (let i = 0; i < nodes; i++) neuron[i] = i;
  for (const [key, overlap] of pairs) {
    const a = Math.floor(key / nodes), b = key % nodes;
    const areaA = areas[a]!, areaB = areas[b]!;
    if (overlap < settings.linkThreshold * Math.min(areaA, areaB) || overlap < settings.linkLargerThreshold * Math.max(areaA, areaB)) continue;
    if (settings.requireBestPartner && bestOfA.get(a)!.partner !== b && bestOfB.get(b)!.partner !== a) continue;
    union(neuron, a, b);
  }
  return neuron;
}

export async function readMergeSummary(store: SegmentStore): Promise<MergeSummary> {
  if (!(await stepLedger(store, 'merge').isDone(MERGE_MARKER))) throw new Error(`The block ids of ${store.folder} are not merged yet: run \`membrana segment … --step merge\` (one job) after all blocks and faces.`);
  return JSON.parse(await readFile(stepFile(store, 'merge', 'merge.json'), 'utf8')) as MergeSummary;
}

/** Block k's part of the relabel table: entry j − 1 is the final id of core id j. */
export async function readRelabelTable(store: SegmentStore, summary: MergeSummary, k: number): Promise<Uint32Array> {
  const table = new Uint32Array(summary.coreCounts[k]!);
  const handle = await open(stepFile(store, 'merge', 'relabel.u32'), 'r');
  try {
    const { bytesRead } = await handle.read(new Uint8Array(table.buffer), 0, table.byteLength, summary.offsets[k]! * 4);
    if (bytesRead !== table.byteLength) throw new Error(`${stepFile(store, 'merge', 'relabel.u32')} is shorter than merge.json says: delete ${stepFile(store, 'merge', '')} and rerun --step merge.`);
  } finally {
    await handle.close();
  }
  return table;
}
