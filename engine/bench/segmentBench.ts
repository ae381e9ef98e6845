#!/usr/bin/env node
/**
 * Segmentation benchmark: neurons from the shipped model's membrane prediction of the 22 ISBI 2012
 * training slices (4 × 4 × 50 nm). Prediction (2 worker threads) is not timed; segmentVolume is.
 * Reports, for linking by cell interior (the default) and by overlap alone (the rule before):
 * seconds, neurons, the largest neuron's share of the volume, the 2D V_rand / V_info of the
 * segments against the labels, and 3D V_rand / V_info (split / merge) against the labels' cells
 * linked across slices (labelNeurons: ISBI 2012 has no 3D ids), where giant merges show.
 * Target: segmenting and linking well under 20 s on a 2-core CPU (meshing shares that budget).
 * Options: --probability FILE reuses (or, when missing, saves) the prediction as a uint8 TIFF;
 * --seed-threshold, --seed-prominence (nm), --min-area (nm²), --link-threshold,
 * --link-larger-threshold, --link-interior (0-1) as segmentVolume; --link-by interior|overlap
 * runs that one only.
 * runSegmentBench() is exported so that later steps (meshing) can be timed on its result.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { VoxelSize } from '../../protocol/contract.js';
import { findAppRoot } from '../base/appRoot.js';
import { readTiff } from '../io/readTiff.js';
import { readVolume } from '../io/readVolume.js';
import { writeTiff } from '../io/writeTiff.js';
import type { InfoScores } from '../metrics/infoScores.js';
import type { RandScores } from '../metrics/randScores.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { openPredictor } from '../predict/openPredictor.js';
import { predictVolume } from '../predict/predictVolume.js';
import { labelNeurons } from '../segment/labelNeurons.js';
import { sliceSegmentationScores, volumeSegmentationScores, type SliceSegmentationScores } from '../segment/segmentationScores.js';
import { LINK_BY, segmentVolume, type LinkBy, type SegmentVolumeOptions } from '../segment/segmentVolume.js';
import { sizeSummary, type SizeSummary } from '../segment/sizeSummary.js';

/** ISBI 2012: 4 × 4 nm pixels, 50 nm sections. */
const ISBI_VOXEL_SIZE: VoxelSize = { x: 4, y: 4, z: 50, unit: 'nm' };

export interface SegmentBenchOptions extends Omit<SegmentVolumeOptions, 'voxelSize'> {
  /** A uint8 membrane-probability TIFF of train-volume.tif to reuse; written here when missing. */
  probabilityFile?: string;
}

export interface SegmentBenchResult {
  ids: Uint32Array;
  count: number;
  width: number;
  height: number;
  depth: number;
  voxelSize: VoxelSize;
  /** segmentVolume's wall time. */
  seconds: number;
  scores: SliceSegmentationScores;
  /** Against the labels' cells linked across slices (labelNeurons). */
  scores3d: RandScores & InfoScores;
  sizes: SizeSummary;
}

/** The ISBI 2012 training stacks, or null (with the reason) when they are not there. */
export function isbiTrainingFiles(): { volume: string; labels: string } | { missing: string } {
  const dataDir = path.join(findAppRoot(), '..', 'shared', 'data', 'isbi2012');
  const volume = path.join(dataDir, 'train-volume.tif');
  const labels = path.join(dataDir, 'train-labels.tif');
  if (!existsSync(volume) || !existsSync(labels)) return { missing: `it needs ${volume} and ${labels} (the ISBI 2012 training data)` };
  return { volume, labels };
}

/** Predicts (untimed), segments (timed) and scores the ISBI 2012 training stack; null when the data is missing. */
export async function runSegmentBench(options: SegmentBenchOptions = {}): Promise<SegmentBenchResult | null> {
  const files = isbiTrainingFiles();
  if ('missing' in files) return null;
  const labels = await readVolume(files.labels);
  const { width, height, depth } = labels;
  if (labels.dtype !== 'uint8') throw new Error(`Expected 8-bit ISBI labels (0 membrane, 255 cell) in ${files.labels}; got ${labels.format}.`);
  const probability = await membraneProbability(files.volume, options.probabilityFile, labels);
  const { probabilityFile: _file, ...segmentOptions } = options;
  const result = segmentVolume(probability, width, height, depth, { ...segmentOptions, voxelSize: ISBI_VOXEL_SIZE });
  const truth = labels.data as Uint8Array;
  const scores = sliceSegmentationScores(result.ids, truth, width, height, depth);
  const scores3d = volumeSegmentationScores(result.ids, labelNeurons(truth, width, height, depth));
  const sizes = sizeSummary(result.ids, width * height);
  return { ids: result.ids, count: result.count, width, height, depth, voxelSize: ISBI_VOXEL_SIZE, seconds: result.seconds, scores, scores3d, sizes };
}

async function membraneProbability(volumeFile: string, cacheFile: string | undefined, shape: { width: number; height: number; depth: number }): Promise<Uint8Array> {
  if (cacheFile && existsSync(cacheFile)) {
    const cached = readTiff(await readFile(cacheFile), cacheFile);
    if (cached.dtype === 'uint8' && cached.width === shape.width && cached.height === shape.height && cached.depth === shape.depth) return cached.data as Uint8Array;
    console.error(`(${cacheFile} is not a ${shape.width} × ${shape.height} × ${shape.depth} uint8 prediction; predicting again)`);
  }
  const volume = await readVolume(volumeFile);
  if (volume.width !== shape.width || volume.height !== shape.height || volume.depth !== shape.depth) {
    throw new Error(`${volumeFile} is ${volume.width} × ${volume.height} × ${volume.depth} but the labels are ${shape.width} × ${shape.height} × ${shape.depth}.`);
  }
  const predictor = await openPredictor(shippedModelDir());
  let probability: Uint8Array;
  try {
    probability = await predictVolume(volume, predictor);
  } finally {
    await predictor.dispose();
  }
  if (cacheFile) await writeFile(cacheFile, writeTiff({ width: volume.width, height: volume.height, depth: volume.depth, dtype: 'uint8', data: probability }, { compression: 'deflate', predictor: true }));
  return probability;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      probability: { type: 'string' },
      'seed-threshold': { type: 'string' },
      'seed-prominence': { type: 'string' },
      'min-area': { type: 'string' },
      'link-threshold': { type: 'string' },
      'link-larger-threshold': { type: 'string' },
      'link-interior': { type: 'string' },
      'link-by': { type: 'string' },
    },
  });
  const number = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));
  const linkBy = values['link-by'] as LinkBy | undefined;
  if (linkBy !== undefined && !LINK_BY.includes(linkBy)) throw new Error(`--link-by takes ${LINK_BY.join(' or ')}, not "${linkBy}".`);
  const interior = number(values['link-interior']);
  const options: SegmentBenchOptions = {
    ...(values.probability ? { probabilityFile: path.resolve(values.probability) } : {}),
    seedThreshold: number(values['seed-threshold']),
    seedProminence: number(values['seed-prominence']),
    minArea: number(values['min-area']),
    linkThreshold: number(values['link-threshold']),
    linkLargerThreshold: number(values['link-larger-threshold']),
    ...(interior !== undefined ? { linkInteriorBelow: Math.round(interior * 255) } : {}),
  };
  const files = isbiTrainingFiles();
  if ('missing' in files) {
    console.log(`Segmentation benchmark skipped: ${files.missing}.`);
    return;
  }
  console.log('Segmentation benchmark: shipped model\'s prediction of ISBI 2012 train-volume.tif (4 × 4 × 50 nm), watershed + linking');
  console.log('3D scores are against the labels\' cells linked across slices by overlap (ISBI 2012 has no 3D ids); split / merge: 1 = none of that error.');
  const linkings: LinkBy[] = linkBy ? [linkBy] : ['overlap', 'interior'];
  const summary: Record<string, unknown> = {};
  for (const link of linkings) {
    const result = (await runSegmentBench({ ...options, linkBy: link }))!;
    const { scores, scores3d, sizes } = result;
    const pair = (all: number, split: number, merge: number): string => `${all.toFixed(4)} (${split.toFixed(4)} / ${merge.toFixed(4)})`;
    console.log(`\nlinking by ${link}${link === 'interior' ? ' (default)' : ''}, ${result.width} × ${result.height} × ${result.depth}`);
    const rows: [string, string][] = [
      ['segment + link seconds', `${result.seconds.toFixed(2)} (target well under 20 s with meshing)`],
      ['neurons', `${result.count} (${sizes.oneSlice} in one slice only, ${sizes.overOnePercent} over 1 % of the volume)`],
      ['largest neuron', `${percent(sizes.largestShare)} of the volume; ten largest ${percent(sizes.topTenShare)}`],
      ['2D V_rand (split / merge)', pair(scores.vRand, scores.vRandSplit, scores.vRandMerge)],
      ['2D V_info (split / merge)', pair(scores.vInfo, scores.vInfoSplit, scores.vInfoMerge)],
      ['3D V_rand (split / merge)', pair(scores3d.vRand, scores3d.vRandSplit, scores3d.vRandMerge)],
      ['3D V_info (split / merge)', pair(scores3d.vInfo, scores3d.vInfoSplit, scores3d.vInfoMerge)],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
    const round = (value: number): number => Number(value.toFixed(4));
    summary[link] = {
      seconds: Number(result.seconds.toFixed(3)),
      neurons: result.count,
      one_slice_neurons: sizes.oneSlice,
      slices: result.depth,
      largest_share: round(sizes.largestShare),
      top_ten_share: round(sizes.topTenShare),
      v_rand_2d: round(scores.vRand),
      v_rand_split_2d: round(scores.vRandSplit),
      v_rand_merge_2d: round(scores.vRandMerge),
      v_info_2d: round(scores.vInfo),
      v_info_split_2d: round(scores.vInfoSplit),
      v_info_merge_2d: round(scores.vInfoMerge),
      v_rand_3d: round(scores3d.vRand),
      v_rand_split_3d: round(scores3d.vRandSplit),
      v_rand_merge_3d: round(scores3d.vRandMerge),
      v_info_3d: round(scores3d.vInfo),
      v_info_split_3d: round(scores3d.vInfoSplit),
      v_info_merge_3d: round(scores3d.vInfoMerge),
    };
  }
  console.log(JSON.stringify({ segment: summary }));
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)} %`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
