import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Progress, VoxelSize } from '../../protocol/contract.js';
import { nanometresPerUnit, toNanometres } from '../io/physicalUnit.js';
import { LINK_DEFAULTS } from '../segment/linkSlices.js';
import type { SegmentVolumeOptions } from '../segment/segmentVolume.js';
import { WATERSHED_DEFAULTS } from '../segment/watershed2d.js';
import { defaultLevelCount, type Triple } from '../zarr/omeMetadata.js';
import { registerNodeCodecs } from '../zarr/zarrCodecs.js';
import { blockCount, blockGrid, blocksForShare, type BlockGrid } from './blockGrid.js';
import { buildPyramidOnce } from './buildPyramidOnce.js';
import { blockFaces, facesForShare, linkBlockFaces, type Face } from './blockFaces.js';
import { openSegmentStore, stepLedger, type SegmentSettings, type SegmentStore } from './createSegmentStore.js';
import { mergeBlockIds } from './mergeBlockIds.js';
import { openOmeLevelZero, type Multiscale } from './openOmeLevelZero.js';
import { relabelBlocks } from './relabelBlocks.js';
import { segmentBlocks, type StepResult } from './segmentBlocks.js';
import { zarrSource, type VolumeSource } from './VolumeSource.js';

export type SegmentStep = 'blocks' | 'faces' | 'merge' | 'relabel' | 'pyramid' | 'all';
export const SEGMENT_STEPS: readonly SegmentStep[] = ['blocks', 'faces', 'merge', 'relabel', 'pyramid', 'all'];

/** Block shape [z, y, x] and halo when not given: 16 slices of 512², 64 px of context. */
export const SEGMENT_BLOCK_DEFAULTS = { block: [16, 512, 512] as [number, number, number], halo: 64 };

/** ISBI 2012's sections, assumed when neither the store nor the caller gives a physical size. */
export const FALLBACK_VOXEL_SIZE: VoxelSize = { x: 4, y: 4, z: 50, unit: 'nm' };

/** The segmentation's own settings, as segmentVolume takes them (same defaults). */
type SegmentationSettings = Pick<SegmentVolumeOptions, 'seedThreshold' | 'seedProminence' | 'seedNeckRatio' | 'minArea' | 'linkThreshold' | 'linkLargerThreshold' | 'requireBestPartner' | 'linkBy' | 'linkInteriorBelow'>;

export interface SegmentOmeZarrOptions extends SegmentationSettings {
  /** Membrane probability OME-Zarr (uint8, 255 = membrane), as `membrana predict` writes. */
  input: string;
  /** The segmentation's OME-Zarr (created if missing). */
  output: string;
  step?: SegmentStep;
  /** This job's share i of N (default 0 of 1). */
  share?: number;
  shares?: number;
  block?: [number, number, number];
  halo?: number;
  /** Half-width of the strip compared at y/x faces; default half the halo. */
  band?: number;
  /** Default: the store's scale when it has a length unit, else 4 × 4 × 50 nm (with a note). */
  voxelSize?: VoxelSize;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Lines worth telling the user (an assumed voxel size, a step waiting for other shares). */
  onNote?: (note: string) => void;
}

export interface SegmentOmeZarrResult {
  output: string;
  blocks?: StepResult;
  faces?: StepResult;
  merge?: { neurons: number; merged: boolean; seconds: number };
  relabel?: StepResult;
  pyramid?: { levels: number; seconds: number };
  /** True when every block's neuron ids are written. */
  complete: boolean;
  /** True when the coarser levels are built from them too (step pyramid, or all). */
  pyramidBuilt?: boolean;
  /** The first step this job could not start because other shares have not finished theirs. */
  waitingFor?: 'blocks' | 'faces' | 'merge';
  grid: BlockGrid;
  seconds: number;
}

/**
 * `membrana segment prob.ome.zarr -o seg.ome.zarr [--blocks i/N] [--step …]`: block-wise,
 * resumable segmentation (engine/blocks/README.md). `step` 'all' runs the steps in order as far
 * as their inputs are ready: with one share that is to the end; a share of several stops (not
 * an error) where a step needs other shares' work, and says so in `waitingFor`.
 */
export async function segmentOmeZarr(options: SegmentOmeZarrOptions): Promise<SegmentOmeZarrResult> {
  const started = performance.now();
  registerNodeCodecs();
  const input = await openOmeLevelZero(options.input);
  const levelFile = path.join(input.store, input.path);
  if (input.array.dtype !== 'uint8') {
    throw new Error(
      `${levelFile} holds ${input.array.dtype} voxels, not a uint8 membrane probability (255 = membrane): give the output of \`membrana predict in.ome.zarr -o prob.ome.zarr\`, not the image or a segmentation.`,
    );
  }
  const shape = input.array.shape;
  // A block bigger than the volume is clipped to it, so that its chunks are not either.
  const block = (options.block ?? SEGMENT_BLOCK_DEFAULTS.block).map((edge, a) => Math.min(edge, shape[a]!));
  const halo = options.halo ?? SEGMENT_BLOCK_DEFAULTS.halo;
  const band = options.band ?? Math.max(1, Math.ceil(halo / 2));
  if (!(Number.isInteger(halo) && halo >= 1)) throw new Error(`The segmentation halo must be a whole number of pixels, 1 or more (64 suits ISBI-like data), not ${halo}.`);
  if (!(Number.isInteger(band) && band >= 1 && band <= halo)) throw new Error(`The face band must be a whole number of pixels from 1 to the halo (${halo}), not ${band}.`);
  // blockGrid with minEdge 1 keeps the block as given (whole "chunks" of the block's size).
  const grid = blockGrid(shape, block, { halo, minEdge: 1 });
  let voxelSize = options.voxelSize ? nanometreSize(options.voxelSize) : storeVoxelSize(input.multiscale);
  if (!voxelSize) {
    options.onNote?.(`note: ${input.store} does not give its voxel size in a length unit; assuming 4 × 4 × 50 nm (ISBI 2012). Give --voxel-size X,Y,Z (nm) if it differs.`);
    voxelSize = FALLBACK_VOXEL_SIZE;
  }
  const settings: SegmentSettings = {
    shape: grid.shape,
    block: grid.block,
    chunks: grid.block.map((edge) => largestDivisorAtMost(edge, 256)),
    levels: defaultLevelCount(grid.shape as Triple),
    halo,
    band,
    voxelSize,
    seedThreshold: options.seedThreshold ?? WATERSHED_DEFAULTS.seedThreshold,
    seedProminence: options.seedProminence ?? WATERSHED_DEFAULTS.seedProminence,
    seedNeckRatio: options.seedNeckRatio ?? WATERSHED_DEFAULTS.seedNeckRatio,
    minArea: options.minArea ?? WATERSHED_DEFAULTS.minArea,
    linkThreshold: options.linkThreshold ?? LINK_DEFAULTS.linkThreshold,
    linkLargerThreshold: options.linkLargerThreshold ?? LINK_DEFAULTS.linkLargerThreshold,
    requireBestPartner: options.requireBestPartner ?? LINK_DEFAULTS.requireBestPartner,
    linkInteriorBelow: options.linkBy === 'overlap' ? 256 : (options.linkInteriorBelow ?? LINK_DEFAULTS.interiorBelow),
  };
  const store = await openSegmentStore(options.output, settings, input.multiscale, `Membrana neuron ids (0 = boundary) of ${path.basename(input.store)}`);
  return runSegmentSteps(store, grid, zarrSource(input.array), options, started);
}

async function runSegmentSteps(store: SegmentStore, grid: BlockGrid, source: VolumeSource, options: SegmentOmeZarrOptions, started: number): Promise<SegmentOmeZarrResult> {
  const step = options.step ?? 'all';
  const share = options.share ?? 0;
  const shares = options.shares ?? 1;
  const blocks = blocksForShare(grid, share, shares);
  const common = { store, grid, signal: options.signal, onProgress: options.onProgress };
  const result: SegmentOmeZarrResult = { output: store.folder, complete: false, grid, seconds: 0 };
  const all = step === 'all';
  const blockTotal = blockCount(grid);
  const faces = blockFaces(grid);
  const ready = async (ledger: 'blocks' | 'faces', total: number): Promise<boolean> => (await stepLedger(store, ledger).done()).size >= total;
  const relabelled = async (): Promise<boolean> => (await stepLedger(store, 'relabel').done()).size >= blockTotal;
  const finish = async (): Promise<SegmentOmeZarrResult> => {
    result.complete = await relabelled();
    result.pyramidBuilt = pyramidBuilt(store);
    result.seconds = (performance.now() - started) / 1000;
    return result;
  };

  if (all || step === 'blocks') result.blocks = await segmentBlocks({ ...common, input: source, blocks });
  if (all && !(await ready('blocks', blockTotal))) return wait(result, 'blocks', options, finish);
  if (all || step === 'faces') result.faces = await linkShareFaces(store, grid, faces, share, shares, options);
  if (all && !(await ready('faces', faces.length))) return wait(result, 'faces', options, finish);
  if (all || step === 'merge') {
    const merged = await mergeBlockIds(store, grid);
    result.merge = { neurons: merged.neurons, merged: merged.merged, seconds: merged.seconds };
  }
  if (all || step === 'relabel') result.relabel = await relabelBlocks({ ...common, blocks });
  if (step === 'pyramid' || (all && (await relabelled()))) {
    if (!(await relabelled())) throw new Error(`Not every block of ${store.folder} is relabelled yet, and the pyramid is built from them: run --step relabel for every share first.`);
    result.pyramid = await buildSegmentPyramid(store, options);
  }
  return finish();
}

/** Marks that the coarser levels are built (one job; a rerun builds them again, the same). */
function pyramidMarker(store: SegmentStore): string {
  return path.join(store.work, 'pyramid', 'done');
}

function pyramidBuilt(store: SegmentStore): boolean {
  return existsSync(pyramidMarker(store));
}

/**
 * Step 5 (one job, after every block is relabelled): levels 1… as 2×2 modes of the level above,
 * chunk by chunk, so viewers show the whole volume without reading level 0.
 */
async function buildSegmentPyramid(store: SegmentStore, options: SegmentOmeZarrOptions): Promise<{ levels: number; seconds: number }> {
  const started = performance.now();
  const levels = await buildPyramidOnce(store.folder, pyramidMarker(store), { signal: options.signal, onProgress: options.onProgress });
  return { levels, seconds: (performance.now() - started) / 1000 };
}

async function linkShareFaces(store: SegmentStore, grid: BlockGrid, faces: Face[], share: number, shares: number, options: SegmentOmeZarrOptions): Promise<StepResult> {
  const mine = facesForShare(faces, share, shares);
  const done = await stepLedger(store, 'blocks').done();
  const missing = [...new Set(mine.flatMap((face) => [face.a, face.b]))].filter((k) => !done.has(k));
  if (missing.length > 0) {
    throw new Error(`Blocks ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''} of ${store.folder} are not segmented yet, and this share's faces need them: run --step blocks for every share first.`);
  }
  return linkBlockFaces({ store, grid, faces: mine, signal: options.signal, onProgress: options.onProgress });
}

async function wait(result: SegmentOmeZarrResult, step: 'blocks' | 'faces', options: SegmentOmeZarrOptions, finish: () => Promise<SegmentOmeZarrResult>): Promise<SegmentOmeZarrResult> {
  result.waitingFor = step;
  options.onNote?.(`This share's ${step} are done; other shares' ${step} are not yet. Rerun this command when they are (or run the later steps with --step).`);
  return finish();
}

/** A voxel size in nanometres, or undefined when it is not in a known length unit. */
function nanometreSize(size: VoxelSize): VoxelSize | undefined {
  const factor = nanometresPerUnit(size.unit);
  if (typeof factor !== 'number') return undefined;
  return { x: toNanometres(size.x, factor), y: toNanometres(size.y, factor), z: toNanometres(size.z, factor), unit: 'nm' };
}

/** Level 0's scale from the multiscales entry, when its space axes carry a length unit. */
function storeVoxelSize(multiscale: Multiscale | null): VoxelSize | undefined {
  const axes = (multiscale?.axes ?? []) as { unit?: unknown }[];
  const unit = axes.find((axis) => typeof axis.unit === 'string')?.unit as string | undefined;
  const scale = (multiscale?.datasets[0]?.coordinateTransformations ?? []).find((t) => (t as { type?: unknown }).type === 'scale') as { scale?: number[] } | undefined;
  if (unit === undefined || scale?.scale?.length !== 3) return undefined;
  const [z, y, x] = scale.scale as [number, number, number];
  return nanometreSize({ x, y, z, unit });
}

function largestDivisorAtMost(value: number, limit: number): number {
  for (let d = Math.min(value, limit); d > 1; d--) if (value % d === 0) return d;
  return 1;
}
