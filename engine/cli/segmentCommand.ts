import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { VoxelSize } from '../../protocol/contract.js';
import { nanometresPerUnit } from '../io/physicalUnit.js';
import { readVolume } from '../io/readVolume.js';
import type { Volume } from '../io/Volume.js';
import { writeTiff } from '../io/writeTiff.js';
import { LINK_DEFAULTS } from '../segment/linkSlices.js';
import { sliceSegmentationScores, volumeSegmentationScores } from '../segment/segmentationScores.js';
import { segmentVolume } from '../segment/segmentVolume.js';
import { sizeSummary } from '../segment/sizeSummary.js';
import { WATERSHED_DEFAULTS } from '../segment/watershed2d.js';
import { parseShare } from '../blocks/blockGrid.js';
import { isZarrStore } from '../blocks/predictOmeZarr.js';
import { SEGMENT_BLOCK_DEFAULTS, SEGMENT_STEPS, segmentOmeZarr, type SegmentStep } from '../blocks/segmentOmeZarr.js';
import { cleanUpOnFailure } from '../blocks/cleanUpOnFailure.js';
import { UsageError } from './CliError.js';
import { progressPrinter } from './progressPrinter.js';
import { writeFileAtomic } from '../base/atomicWrite.js';

/** ISBI 2012's sections, assumed when neither the file nor --voxel-size gives a physical size. */
const FALLBACK_VOXEL_SIZE: VoxelSize = { x: 4, y: 4, z: 50, unit: 'nm' };

export const segmentUsage = `membrana segment <membrane-prob.tif|prob.ome.zarr> -o <segments.tif|seg.ome.zarr> [--blocks i/N] [--step STEP] [--voxel-size X,Y,Z] [--seed-threshold T] [--seed-prominence NM] [--min-area NM2] [--link-threshold L] [--labels LABELS.tif]

Segments a membrane prediction (255 or 1.0 = membrane, as \`membrana predict\` writes) into
neurons: a seeded watershed per slice, then segments linked across slices by overlap. Writes
a uint32 multi-page TIFF of neuron ids (0 = boundary) and prints one JSON line.
An OME-Zarr input (uint8) is segmented block by block into an NGFF label image of uint32 ids,
resumably: rerun the same command after a kill and finished work is skipped. On a cluster,
run each step for every share, one step after the other (engine/blocks/README.md).
  -o, --output FILE      where to write the neuron ids (required)
  --blocks i/N           OME-Zarr only: this job's share of the blocks and faces (default 0/1)
  --step STEP            OME-Zarr only: blocks, faces, merge (one job), relabel, pyramid (one
                         job: coarser levels for viewers), or all (default: each step as far
                         as other shares' work allows)
  --block Z,Y,X          OME-Zarr only: block size in voxels (default ${SEGMENT_BLOCK_DEFAULTS.block.join(',')})
  --halo PX              OME-Zarr only: context read around each block in y/x (default ${SEGMENT_BLOCK_DEFAULTS.halo})
  --voxel-size X,Y,Z     voxel size in nm (default: the input's, else 4,4,50 with a note)
  --seed-threshold T     membrane probability 0-1 below which a pixel seeds a cell (default ${(WATERSHED_DEFAULTS.seedThreshold / 255).toFixed(2)})
  --seed-prominence NM   how far a cell's centre must stand out to seed its own segment (default ${WATERSHED_DEFAULTS.seedProminence})
  --min-area NM2         2D segments smaller than this many nm² join a neighbour (default ${WATERSHED_DEFAULTS.minArea})
  --link-threshold L     link segments of adjacent slices whose overlap covers this share (0-1)
                         of the smaller one (default ${LINK_DEFAULTS.linkThreshold}); lower links more, merges more
  --labels FILE          ground truth of the same shape, to score against: ISBI labels (0 membrane,
                         255 cell) give 2D V_rand/V_info; neuron ids (16/32-bit) add 3D scores`;

export async function segmentCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      'voxel-size': { type: 'string' },
      'seed-threshold': { type: 'string' },
      'seed-prominence': { type: 'string' },
      'min-area': { type: 'string' },
      'link-threshold': { type: 'string' },
      labels: { type: 'string' },
      blocks: { type: 'string' },
      step: { type: 'string' },
      block: { type: 'string' },
      halo: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the membrane prediction to segment.' : `give one input, not ${positionals.length}.`);
  if (!values.output) throw new UsageError('give the output file with -o segments.tif.');
  const input = path.resolve(positionals[0]!);
  const output = path.resolve(values.output);
  if (output === input) throw new UsageError(`the output ${output} would overwrite the input.`);
  if (!existsSync(path.dirname(output)) || !statSync(path.dirname(output)).isDirectory()) throw new UsageError(`the output folder ${path.dirname(output)} does not exist.`);
  const givenVoxelSize = values['voxel-size'] === undefined ? undefined : parseVoxelSize(values['voxel-size']);
  const seedThreshold = optionalNumber(values['seed-threshold'], '--seed-threshold', 0, 1, 'a membrane probability from 0 to 1');
  const seedProminence = optionalNumber(values['seed-prominence'], '--seed-prominence', 0, Infinity, 'a distance in nm, 0 or more');
  const minArea = optionalNumber(values['min-area'], '--min-area', 0, Infinity, 'an area in nm², 0 or more');
  const linkThreshold = optionalNumber(values['link-threshold'], '--link-threshold', 0, 1, 'a share from 0 to 1');
  const labelsFile = values.labels === undefined ? undefined : path.resolve(values.labels);
  const blockOptions = ['blocks', 'step', 'block', 'halo'] as const;
  if (isZarrStore(input)) {
    if (labelsFile) throw new UsageError('--labels scores a TIFF segmentation only; score an OME-Zarr one with `membrana evaluate`, or segment a TIFF.');
    await segmentZarr(input, output, values, { voxelSize: givenVoxelSize, seedThreshold, seedProminence, minArea, linkThreshold });
    return;
  }
  const zarrOnly = blockOptions.find((name) => values[name] !== undefined);
  if (zarrOnly) throw new UsageError(`--${zarrOnly} needs an OME-Zarr input (a .ome.zarr folder, e.g. from \`membrana predict in.ome.zarr -o prob.ome.zarr\`), not ${input}.`);

  const volume = await readVolume(input);
  const probability = membraneBytes(volume);
  const labels = labelsFile ? await readVolume(labelsFile) : undefined;
  if (labels) checkLabels(labels, volume);
  const voxelSize = givenVoxelSize ?? fileVoxelSize(volume);
  if (!voxelSize) console.error(`note: ${volume.name} does not say its voxel size; assuming 4 × 4 × 50 nm (ISBI 2012). Give --voxel-size X,Y,Z (nm) if it differs.`);

  const { width, height, depth } = volume;
  console.error(`Segmenting ${volume.name} (${width} × ${height} × ${depth}) at ${describeVoxelSize(voxelSize ?? FALLBACK_VOXEL_SIZE)}`);
  const progress = progressPrinter();
  const result = segmentVolume(probability, width, height, depth, {
    voxelSize: voxelSize ?? FALLBACK_VOXEL_SIZE,
    ...(seedThreshold !== undefined ? { seedThreshold: Math.round(seedThreshold * 255) } : {}),
    ...(seedProminence !== undefined ? { seedProminence } : {}),
    ...(minArea !== undefined ? { minArea } : {}),
    ...(linkThreshold !== undefined ? { linkThreshold } : {}),
    onProgress: progress.update,
  });
  progress.done();
  // Scored before writing, so that a failure leaves no output behind.
  const scores = labels ? scoreAgainst(result.ids, labels) : null;

  const bytes = writeTiff(
    { width, height, depth, dtype: 'uint32', data: result.ids, voxelSize: voxelSize ?? FALLBACK_VOXEL_SIZE, description: `Membrana neuron ids (0 = boundary) of ${volume.name}` },
    { compression: 'deflate', predictor: true },
  );
  await writeFileAtomic(output, bytes);
  console.error(`Wrote ${result.count} neurons to ${output} in ${result.seconds.toFixed(1)} s.`);
  const sizes = sizeSummary(result.ids);
  // A giant merge (many neurons joined into one) shows first as one neuron holding much of the volume.
  console.error(
    `Largest neuron: ${percent(sizes.largestShare)} of the volume (id ${sizes.largestId}, ${sizes.largestVoxels} voxels); the 10 largest ${percent(sizes.topTenShare)}.` +
      (sizes.largestShare > GIANT_SHARE ? ' That is likely several neurons merged: check it, or segment again with a higher --link-threshold.' : ''),
  );
  if (scores) {
    // Split and merge parts (1 = none of that error): low merge means neurons joined, low split means neurons cut apart.
    console.error(
      `2D V_rand ${scores.v_rand_2d.toFixed(4)} (split ${scores.v_rand_split_2d.toFixed(4)}, merge ${scores.v_rand_merge_2d.toFixed(4)}), V_info ${scores.v_info_2d.toFixed(4)} (split ${scores.v_info_split_2d.toFixed(4)}, merge ${scores.v_info_merge_2d.toFixed(4)})` +
        (scores.v_rand_3d !== undefined ? `; 3D V_rand ${scores.v_rand_3d.toFixed(4)} (split ${scores.v_rand_split_3d!.toFixed(4)}, merge ${scores.v_rand_merge_3d!.toFixed(4)})` : ''),
    );
  }
  console.log(
    JSON.stringify({
      output,
      count: result.count,
      seconds: Number(result.seconds.toFixed(3)),
      voxel_size: voxelSize ?? FALLBACK_VOXEL_SIZE,
      largest_share: Number(sizes.largestShare.toFixed(4)),
      top_ten_share: Number(sizes.topTenShare.toFixed(4)),
      scores,
    }),
  );
}

/** A neuron holding more than this share of the volume is most likely a merge of several. */
const GIANT_SHARE = 0.1;

function percent(share: number): string {
  return `${(100 * share).toFixed(1)} %`;
}

interface Tuning {
  voxelSize?: VoxelSize;
  seedThreshold?: number;
  seedProminence?: number;
  minArea?: number;
  linkThreshold?: number;
}

/** The block-wise path: OME-Zarr probability in, NGFF label image out, one step or all. */
async function segmentZarr(input: string, output: string, values: Partial<Record<'blocks' | 'step' | 'block' | 'halo', string>>, tuning: Tuning): Promise<void> {
  const { share, shares } = values.blocks === undefined ? { share: 0, shares: 1 } : parseBlockShare(values.blocks);
  const step = (values.step ?? 'all') as SegmentStep;
  if (!SEGMENT_STEPS.includes(step)) throw new UsageError(`--step takes one of ${SEGMENT_STEPS.join(', ')}, not "${values.step}".`);
  if ((step === 'merge' || step === 'pyramid') && shares > 1) throw new UsageError(`--step ${step} is one job for the whole volume: run it without --blocks.`);
  const block = values.block === undefined ? undefined : parseBlock(values.block);
  const halo = optionalNumber(values.halo, '--halo', 1, Infinity, 'a whole number of pixels, 1 or more');
  if (halo !== undefined && !Number.isInteger(halo)) throw new UsageError(`--halo takes a whole number of pixels, 1 or more, not "${values.halo}".`);
  console.error(`Segmenting ${input} block by block (step ${step}${shares > 1 ? `, share ${share}/${shares}` : ''})`);
  const progress = progressPrinter();
  // A run that fails before its first block is done leaves no store behind; one with done blocks stays for the rerun.
  const result = await cleanUpOnFailure([output], () => segmentOmeZarr({
    input,
    output,
    step,
    share,
    shares,
    ...(block ? { block } : {}),
    ...(halo !== undefined ? { halo } : {}),
    ...(tuning.voxelSize ? { voxelSize: tuning.voxelSize } : {}),
    ...(tuning.seedThreshold !== undefined ? { seedThreshold: Math.round(tuning.seedThreshold * 255) } : {}),
    ...(tuning.seedProminence !== undefined ? { seedProminence: tuning.seedProminence } : {}),
    ...(tuning.minArea !== undefined ? { minArea: tuning.minArea } : {}),
    ...(tuning.linkThreshold !== undefined ? { linkThreshold: tuning.linkThreshold } : {}),
    onProgress: progress.update,
    onNote: (note) => {
      progress.done();
      console.error(note);
    },
  }));
  progress.done();
  const counts = (r: { done: number[]; skipped: number[] } | undefined): { done: number; skipped: number } | undefined => (r ? { done: r.done.length, skipped: r.skipped.length } : undefined);
  if (result.complete) console.error(`Wrote ${result.merge?.neurons ?? 'the'} neurons to ${result.output} in ${result.seconds.toFixed(1)} s.`);
  if (result.complete && !result.pyramidBuilt) console.error(`Run \`membrana segment ${input} -o ${output} --step pyramid\` once to build the coarser levels viewers zoom out to.`);
  console.log(
    JSON.stringify({
      output: result.output,
      step,
      share: `${share}/${shares}`,
      blocks: counts(result.blocks),
      faces: counts(result.faces),
      neurons: result.merge?.neurons,
      relabel: counts(result.relabel),
      complete: result.complete,
      pyramid: result.pyramidBuilt === true,
      ...(result.waitingFor ? { waiting_for: result.waitingFor } : {}),
      seconds: Number(result.seconds.toFixed(3)),
    }),
  );
}

function parseBlockShare(text: string): { share: number; shares: number } {
  try {
    return parseShare(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseBlock(text: string): [number, number, number] {
  const parts = text.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 3 || parts.some((value) => !(Number.isInteger(value) && value > 0))) {
    throw new UsageError(`--block takes three whole sizes in voxels, z,y,x (for example 16,512,512), not "${text}".`);
  }
  return parts as [number, number, number];
}

function parseVoxelSize(text: string): VoxelSize {
  const parts = text.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 3 || parts.some((value) => !(Number.isFinite(value) && value > 0))) {
    throw new UsageError(`--voxel-size takes three positive sizes in nm, x,y,z (for example 4,4,50), not "${text}".`);
  }
  const [x, y, z] = parts as [number, number, number];
  return { x, y, z, unit: 'nm' };
}

function optionalNumber(text: string | undefined, option: string, min: number, max: number, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !(value >= min && value <= max)) throw new UsageError(`${option} takes ${what}, not "${text}".`);
  return value;
}

/** The file's voxel size when it is a physical length (readVolume gives those in nm). */
function fileVoxelSize(volume: Volume): VoxelSize | undefined {
  return typeof nanometresPerUnit(volume.voxelSize.unit) === 'number' ? volume.voxelSize : undefined;
}

function describeVoxelSize(size: VoxelSize): string {
  return `${size.x} × ${size.y} × ${size.z} ${size.unit}`;
}

/** Membrane probability as 0..255 bytes, whatever the prediction file held. */
function membraneBytes(volume: Volume): Uint8Array {
  const { data, dtype } = volume;
  if (dtype === 'uint8') return data as Uint8Array;
  if (dtype === 'uint32') {
    throw new Error(`${volume.source} holds 32-bit integers (neuron ids?), not a membrane probability; give the output of \`membrana predict\` (255 = membrane).`);
  }
  const scale = dtype === 'uint16' ? 255 / 65535 : 255;
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const value = data[i]! * scale;
    bytes[i] = Number.isNaN(value) ? 255 : Math.round(Math.min(255, Math.max(0, value)));
  }
  return bytes;
}

function checkLabels(labels: Volume, volume: Volume): void {
  if (labels.width !== volume.width || labels.height !== volume.height || labels.depth !== volume.depth) {
    throw new Error(
      `The labels ${labels.source} are ${labels.width} × ${labels.height} × ${labels.depth}, but the prediction is ${volume.width} × ${volume.height} × ${volume.depth}; give labels of the same stack.`,
    );
  }
  if (labels.dtype === 'float32') throw new Error(`The labels ${labels.source} hold floating-point values; give ISBI labels (8-bit, 0 membrane, 255 cell) or neuron ids (16/32-bit).`);
}

type Scores = Record<'v_rand_2d' | 'v_rand_split_2d' | 'v_rand_merge_2d' | 'v_info_2d' | 'v_info_split_2d' | 'v_info_merge_2d' | 'slices_scored', number> &
  Partial<Record<'v_rand_3d' | 'v_rand_split_3d' | 'v_rand_merge_3d' | 'v_info_3d', number>>;

/** 2D scores against ISBI labels or ids; 3D scores too when the labels are ids. */
function scoreAgainst(ids: Uint32Array, labels: Volume): Scores {
  const { width, height, depth } = labels;
  const truth = labels.dtype === 'uint8' ? (labels.data as Uint8Array) : Uint32Array.from(labels.data);
  const slices = sliceSegmentationScores(ids, truth, width, height, depth);
  const scores: Scores = {
    v_rand_2d: slices.vRand,
    v_rand_split_2d: slices.vRandSplit,
    v_rand_merge_2d: slices.vRandMerge,
    v_info_2d: slices.vInfo,
    v_info_split_2d: slices.vInfoSplit,
    v_info_merge_2d: slices.vInfoMerge,
    slices_scored: slices.slices,
  };
  if (truth instanceof Uint32Array) {
    const volume = volumeSegmentationScores(ids, truth);
    Object.assign(scores, { v_rand_3d: volume.vRand, v_rand_split_3d: volume.vRandSplit, v_rand_merge_3d: volume.vRandMerge, v_info_3d: volume.vInfo });
  }
  return scores;
}
