import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { VoxelSize } from '../../protocol/contract.js';
import { nanometresPerUnit } from '../io/physicalUnit.js';
import { readVolume } from '../io/readVolume.js';
import type { Volume } from '../io/Volume.js';
import { writeTiff } from '../io/writeTiff.js';
import { LINK_DEFAULTS } from '../segment/linkSlices.js';
import { LINK_BY, segmentVolume, type LinkBy } from '../segment/segmentVolume.js';
import { sizeSummary } from '../segment/sizeSummary.js';
import { WATERSHED_DEFAULTS } from '../segment/watershed2d.js';
import { parseShare } from '../blocks/blockGrid.js';
import { isZarrStore } from '../blocks/predictOmeZarr.js';
import { SEGMENT_BLOCK_DEFAULTS, SEGMENT_STEPS, segmentOmeZarr, type SegmentStep } from '../blocks/segmentOmeZarr.js';
import { cleanUpOnFailure } from '../blocks/cleanUpOnFailure.js';
import { UsageError } from './CliError.js';
import { progressPrinter } from './progressPrinter.js';
import { scoreAgainst, summaryLines } from './segmentSummary.js';
import { writeFileAtomic } from '../base/atomicWrite.js';

/** ISBI 2012's sections, assumed when neither the file nor --voxel-size gives a physical size. */
const FALLBACK_VOXEL_SIZE: VoxelSize = { x: 4, y: 4, z: 50, unit: 'nm' };

export const segmentUsage = `membrana segment <membrane-prob.tif|prob.ome.zarr> -o <segments.tif|seg.ome.zarr> [--blocks i/N] [--step STEP] [--voxel-size X,Y,Z] [--seed-threshold T] [--seed-prominence NM] [--min-area NM2] [--link-threshold L] [--link-by interior|overlap] [--link-interior P] [--labels LABELS.tif]

Segments a membrane prediction (255 or 1.0 = membrane, as \`membrana predict\` writes) into
neurons: a seeded watershed per slice, then segments linked across slices by the overlap of
their cell interiors. Writes a uint32 multi-page TIFF of neuron ids (0 = boundary), prints a
summary (the largest neuron's share of the volume: merges show there; neurons in one slice
only: splits between slices leave those; with --labels, split and merge scores) and one JSON line.
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
  --link-by WHAT         what a link counts: interior (default), only pixels below --link-interior
                         in both slices, so segments overlapping on a membrane are not linked; or
                         overlap, every pixel (the rule before; it merges far more neurons)
  --link-interior P      membrane probability 0-1 below which a pixel is cell interior when
                         linking (default ${(LINK_DEFAULTS.interiorBelow / 255).toFixed(2)})
  --labels FILE          ground truth of the same shape, to score against, with split and merge
                         parts: ISBI labels (0 membrane, 255 cell) give 2D V_rand/V_info, and 3D
                         against the labels' cells linked across slices by overlap; neuron ids
                         (16/32-bit) give 3D scores against those ids`;

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
      'link-by': { type: 'string' },
      'link-interior': { type: 'string' },
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
  const linkBy = values['link-by'] as LinkBy | undefined;
  if (linkBy !== undefined && !LINK_BY.includes(linkBy)) throw new UsageError(`--link-by takes ${LINK_BY.join(' or ')}, not "${linkBy}".`);
  const linkInterior = optionalNumber(values['link-interior'], '--link-interior', 0, 1, 'a membrane probability from 0 to 1');
  if (linkInterior !== undefined && linkBy === 'overlap') throw new UsageError('--link-interior applies to --link-by interior; leave one of them out.');
  const linking = { ...(linkBy ? { linkBy } : {}), ...(linkInterior !== undefined ? { linkInteriorBelow: Math.round(linkInterior * 255) } : {}) };
  const labelsFile = values.labels === undefined ? undefined : path.resolve(values.labels);
  const blockOptions = ['blocks', 'step', 'block', 'halo'] as const;
  if (isZarrStore(input)) {
    if (labelsFile) throw new UsageError('--labels scores a TIFF segmentation only; score an OME-Zarr one with `membrana evaluate`, or segment a TIFF.');
    await segmentZarr(input, output, values, { voxelSize: givenVoxelSize, seedThreshold, seedProminence, minArea, linkThreshold, ...linking });
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
    ...linking,
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
  const sizes = sizeSummary(result.ids, width * height);
  for (const line of summaryLines(sizes, scores)) console.error(line);
  console.log(
    JSON.stringify({
      output,
      count: result.count,
      seconds: Number(result.seconds.toFixed(3)),
      voxel_size: voxelSize ?? FALLBACK_VOXEL_SIZE,
      link_by: linkBy ?? 'interior',
      largest_share: Number(sizes.largestShare.toFixed(4)),
      top_ten_share: Number(sizes.topTenShare.toFixed(4)),
      neurons_over_1_percent: sizes.overOnePercent,
      one_slice_neurons: sizes.oneSlice,
      scores,
    }),
  );
}

interface Tuning {
  voxelSize?: VoxelSize;
  seedThreshold?: number;
  seedProminence?: number;
  minArea?: number;
  linkThreshold?: number;
  linkBy?: LinkBy;
  linkInteriorBelow?: number;
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
    ...(tuning.linkBy ? { linkBy: tuning.linkBy } : {}),
    ...(tuning.linkInteriorBelow !== undefined ? { linkInteriorBelow: tuning.linkInteriorBelow } : {}),
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
