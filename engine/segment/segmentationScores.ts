import { connectedComponents4 } from '../metrics/connectedComponents4.js';
import { contingencyTable } from '../metrics/ContingencyTable.js';
import { infoScoresOf, type InfoScores } from '../metrics/infoScores.js';
import { randScoresFromSums, randSums, type RandScores } from '../metrics/randScores.js';
import { idComponents4 } from './idComponents4.js';

/** Scores per slice, averaged over the slices that have ground-truth cells. */
export interface SliceSegmentationScores extends RandScores, InfoScores {
  /** Slices scored (those with at least one ground-truth cell pixel). */
  slices: number;
}

/**
 * How well the 2D segments of `ids` (z-major neuron ids, 0 = boundary) match ground truth, slice
 * by slice, as the ISBI 2012 challenge scores a segmentation (engine/metrics/README.md): each
 * slice's segments are the 4-connected pieces of each id; ground-truth segments are the
 * 4-connected cells of `truth` (uint8 labels: > 127 cell, ISBI 255 = cell, 0 = membrane) or the
 * 4-connected pieces of each id of `truth` (uint32 ids, 0 = membrane); foreground-restricted
 * V_rand and V_info, averaged over slices. No border thinning: the segmentation is final.
 */
export function sliceSegmentationScores(ids: Uint32Array, truth: Uint8Array | Uint32Array, width: number, height: number, depth: number): SliceSegmentationScores {
  const plane = width * height;
  checkSizes('sliceSegmentationScores', ids, truth, plane * depth);
  const sum = { vRand: 0, vRandSplit: 0, vRandMerge: 0, vInfo: 0, vInfoSplit: 0, vInfoMerge: 0 };
  let slices = 0;
  for (let z = 0; z < depth; z++) {
    const truthSlice = truth.subarray(z * plane, (z + 1) * plane);
    const truthSegments = truth instanceof Uint8Array ? connectedComponents4(truthSlice as Uint8Array, width, height, 127) : idComponents4(truthSlice, width, height);
    if (truthSegments.count === 0) continue;
    const predicted = idComponents4(ids.subarray(z * plane, (z + 1) * plane), width, height).labels;
    const table = contingencyTable(predicted, truthSegments.labels);
    const rand = randScoresFromSums(randSums(table));
    const info = infoScoresOf(table);
    const scores: RandScores & InfoScores = { ...rand, ...info };
    for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += scores[key];
    slices++;
  }
  if (slices === 0) return { vRand: 1, vRandSplit: 1, vRandMerge: 1, vInfo: 1, vInfoSplit: 1, vInfoMerge: 1, slices: 0 };
  const mean = (value: number): number => value / slices;
  return {
    vRand: mean(sum.vRand),
    vRandSplit: mean(sum.vRandSplit),
    vRandMerge: mean(sum.vRandMerge),
    vInfo: mean(sum.vInfo),
    vInfoSplit: mean(sum.vInfoSplit),
    vInfoMerge: mean(sum.vInfoMerge),
    slices,
  };
}

/**
 * 3D scores of neuron ids against ground-truth neuron ids (both z-major, 0 = boundary): one
 * contingency table over all voxels, restricted to the ground truth's cell voxels (truth > 0),
 * where predicted boundary voxels count as singletons, as in the 2D ISBI scores. Ids are taken
 * as they are (a neuron is one segment however it is connected).
 */
export function volumeSegmentationScores(ids: Uint32Array, truth: Uint32Array): RandScores & InfoScores {
  checkSizes('volumeSegmentationScores', ids, truth, truth.length);
  const table = contingencyTable(asInt32(ids), asInt32(truth));
  return { ...randScoresFromSums(randSums(table)), ...infoScoresOf(table) };
}

function checkSizes(caller: string, ids: Uint32Array, truth: Uint8Array | Uint32Array, voxels: number): void {
  if (ids.length !== voxels || truth.length !== voxels) {
    throw new RangeError(`${caller}: the segmentation holds ${ids.length} voxels and the ground truth ${truth.length}, but ${voxels} are expected; pass volumes of one shape.`);
  }
}

/**
 * The metrics count Int32 ids and size their tables by the largest id: sparse ids (hashes from
 * other tools, never made here) are compacted to 1..N first.
 */
function asInt32(ids: Uint32Array): Int32Array {
  let max = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
  if (max <= ids.length && max < 2 ** 31) return new Int32Array(ids.buffer, ids.byteOffset, ids.length);
  const dense = new Map<number, number>();
  return Int32Array.from(ids, (id) => {
    if (id === 0) return 0;
    let k = dense.get(id);
    if (k === undefined) dense.set(id, (k = dense.size + 1));
    return k;
  });
}
