/** `membrana segment`'s scores against ground truth and the summary it prints. */
import type { Volume } from '../io/Volume.js';
import { labelNeurons } from '../segment/labelNeurons.js';
import { sliceSegmentationScores, volumeSegmentationScores } from '../segment/segmentationScores.js';
import type { SizeSummary } from '../segment/sizeSummary.js';

/** A neuron holding more than this share of the volume is often a merge of several (a cell body can be one). */
const GIANT_SHARE = 0.1;

function percent(share: number): string {
  return `${(100 * share).toFixed(1)} %`;
}

export type Scores = Record<
  | 'v_rand_2d' | 'v_rand_split_2d' | 'v_rand_merge_2d' | 'v_info_2d' | 'v_info_split_2d' | 'v_info_merge_2d' | 'slices_scored'
  | 'v_rand_3d' | 'v_rand_split_3d' | 'v_rand_merge_3d' | 'v_info_3d' | 'v_info_split_3d' | 'v_info_merge_3d',
  number
> & {
  /** What the 3D scores are against: the given neuron ids, or ISBI labels' cells linked across slices. */
  reference_3d: 'label ids' | 'linked labels';
};

/** 2D scores against ISBI labels or ids; 3D against the ids, or against ISBI labels' cells linked across slices. */
export function scoreAgainst(ids: Uint32Array, labels: Volume): Scores {
  const { width, height, depth } = labels;
  const binary = labels.dtype === 'uint8';
  const truth = binary ? (labels.data as Uint8Array) : Uint32Array.from(labels.data);
  const slices = sliceSegmentationScores(ids, truth, width, height, depth);
  const volume = volumeSegmentationScores(ids, truth instanceof Uint32Array ? truth : labelNeurons(truth, width, height, depth));
  return {
    v_rand_2d: slices.vRand,
    v_rand_split_2d: slices.vRandSplit,
    v_rand_merge_2d: slices.vRandMerge,
    v_info_2d: slices.vInfo,
    v_info_split_2d: slices.vInfoSplit,
    v_info_merge_2d: slices.vInfoMerge,
    slices_scored: slices.slices,
    v_rand_3d: volume.vRand,
    v_rand_split_3d: volume.vRandSplit,
    v_rand_merge_3d: volume.vRandMerge,
    v_info_3d: volume.vInfo,
    v_info_split_3d: volume.vInfoSplit,
    v_info_merge_3d: volume.vInfoMerge,
    reference_3d: binary ? 'linked labels' : 'label ids',
  };
}

/**
 * What the user reads: merges show first as one neuron holding much of the volume; splits
 * between slices leave neurons in one slice only; with labels, V_rand / V_info's split and merge
 * parts (1 = none of that error) say which it is.
 */
export function summaryLines(sizes: SizeSummary, scores: Scores | null): string[] {
  const lines = [
    `Largest neuron: ${percent(sizes.largestShare)} of the volume (id ${sizes.largestId}, ${sizes.largestVoxels} voxels); the 10 largest ${percent(sizes.topTenShare)}; ${sizes.overOnePercent} neurons hold 1 % or more each.` +
      (sizes.largestShare > GIANT_SHARE ? ' A neuron that large is often several merged (a cell body can be one): look at it in 3D and split it with seeds if so.' : ''),
    `${sizes.oneSlice} of ${sizes.neurons} neurons lie in one slice only (a neuron cut between slices leaves such pieces; so do cells that end there).`,
  ];
  if (!scores) {
    lines.push('No split or merge score without ground truth: give --labels to get one.');
    return lines;
  }
  const part = (all: number, split: number, merge: number): string => `${all.toFixed(4)} (split ${split.toFixed(4)}, merge ${merge.toFixed(4)})`;
  lines.push(
    `2D V_rand ${part(scores.v_rand_2d, scores.v_rand_split_2d, scores.v_rand_merge_2d)}, V_info ${part(scores.v_info_2d, scores.v_info_split_2d, scores.v_info_merge_2d)}` +
      `; 3D V_rand ${part(scores.v_rand_3d, scores.v_rand_split_3d, scores.v_rand_merge_3d)}, V_info ${part(scores.v_info_3d, scores.v_info_split_3d, scores.v_info_merge_3d)}` +
      (scores.reference_3d === 'linked labels' ? " against the labels' cells linked across slices" : ''),
  );
  return lines;
}
