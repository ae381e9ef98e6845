import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as zarr from 'zarrita';
import type { VoxelSize } from '../../protocol/contract.js';
import { ngffProblems, SPACE_UNITS } from '../zarr/ngffSchema.js';
import { levelDatasets, levelShapes, type Triple } from '../zarr/omeMetadata.js';
import { registerNodeCodecs } from '../zarr/zarrCodecs.js';
import { writeArrayNode, writeGroupNode } from '../zarr/zarrNodes.js';
import { BlockLedger } from './BlockLedger.js';
import { createFolderOnce } from './createFolderOnce.js';
import { AtomicFileStore } from '../zarr/AtomicFileStore.js';
import type { Multiscale } from './openOmeLevelZero.js';
import { checkSameSettings, readRecordedSettings } from './recordedSettings.js';

/** Everything that changes a block-wise segmentation's bytes; a rerun or another share must match it. */
export interface SegmentSettings {
  /** Volume [z, y, x]. */
  shape: number[];
  /** Block [z, y, x]; output chunks divide it. */
  block: number[];
  /** Output chunks [z, y, x]. */
  chunks: number[];
  /** Resolution levels: level 0 and 2×2-mode halvings in y/x, built by the pyramid step. */
  levels: number;
  /** Pixels of context read on each side of a block in y/x (one slice in z). */
  halo: number;
  /** Half-width (px) of the strip on each side of a y/x face where the two blocks' ids are compared. */
  band: number;
  /** In nanometres. */
  voxelSize: VoxelSize;
  seedThreshold: number;
  seedProminence: number;
  seedNeckRatio: number;
  minArea: number;
  linkThreshold: number;
  linkLargerThreshold: number;
  requireBestPartner: boolean;
  /** Links count pixels whose probability (× 255) is below this: cell interior; 256 counts every pixel (linkBy 'overlap'). */
  linkInteriorBelow: number;
}

/** The folder inside the output store that holds each step's files and done markers. */
export const SEGMENT_WORK_FOLDER = '.membrana-segment';
const SETTINGS_FILE = 'settings.json';

export type SegmentStepName = 'blocks' | 'faces' | 'merge' | 'relabel' | 'pyramid';

/** An opened block-wise segmentation: the uint32 level-0 array and the work folder beside it. */
export interface SegmentStore {
  folder: string;
  work: string;
  array: zarr.Array<'uint32', AtomicFileStore>;
  settings: SegmentSettings;
}

/** Done markers of one step: `<store>/.membrana-segment/<step>/.membrana-blocks/<k>.done`, as prediction's. */
export function stepLedger(store: SegmentStore, step: SegmentStepName): BlockLedger {
  return new BlockLedger(path.join(store.work, step));
}

/** A step's own files: `<store>/.membrana-segment/<step>/<name>`. */
export function stepFile(store: SegmentStore, step: SegmentStepName, name: string): string {
  return path.join(store.work, step, name);
}

/**
 * Opens the output of a block-wise segmentation, creating it if missing: an NGFF 0.4 (Zarr v2)
 * label image (`image-label` metadata, one level `0`, uint32 ids, gzip chunks), axes and scale
 * taken from the probability's level 0 so the two overlay. Several jobs may start at once: each
 * builds it in a temp folder and renames it into place; the first rename wins. An existing
 * store must have been started with the same settings, or its finished blocks would not fit.
 */
export async function openSegmentStore(store: string, settings: SegmentSettings, like: Multiscale | null, description: string): Promise<SegmentStore> {
  const folder = path.resolve(store);
  if (!existsSync(folder)) await createOnce(folder, settings, like, description);
  await checkSettings(folder, settings);
  registerNodeCodecs();
  const array = await zarr.open.v2(zarr.root(new AtomicFileStore(folder, { durable: true })).resolve('0'), { kind: 'array' });
  if (!array.is('uint32')) throw new Error(`${path.join(folder, '0')} is ${array.dtype}, not uint32: it is not a Membrana segmentation; choose another output.`);
  return { folder, work: path.join(folder, SEGMENT_WORK_FOLDER), array, settings };
}

/** Label-image attributes that pass ngffProblems; the input's scale is kept when it is valid NGFF. */
export function segmentAttributes(like: Multiscale | null, description: string, settings: SegmentSettings): Record<string, unknown> {
  const likeAxes = (like?.axes ?? []) as { unit?: unknown }[];
  const axes = (['z', 'y', 'x'] as const).map((name, a) => {
    const unit = likeAxes[a]?.unit;
    return { name, type: 'space', ...(typeof unit === 'string' && SPACE_UNITS.has(unit) ? { unit } : {}) };
  });
  const build = (transforms: unknown[] | undefined, top: unknown[] | undefined): Record<string, unknown> => ({
    multiscales: [
      {
        version: '0.4',
        name: description,
        axes,
        datasets: levelDatasets(transforms ?? [{ type: 'scale', scale: [1, 1, 1] }], settings.levels),
        ...(top ? { coordinateTransformations: top } : {}),
        metadata: { method: 'membrana segment (block-wise)', settings },
      },
    ],
    // No source.image: the store stands alone rather than under an image's labels/ group.
    'image-label': { version: '0.4' },
  });
  const copied = build(like?.datasets[0]?.coordinateTransformations, like?.coordinateTransformations);
  return ngffProblems(copied, '0.4').length === 0 ? copied : build(undefined, undefined);
}

async function createOnce(folder: string, settings: SegmentSettings, like: Multiscale | null, description: string): Promise<void> {
  await createFolderOnce(folder, async (temp) => {
    await writeGroupNode(temp, 2, segmentAttributes(like, description, settings));
    const shapes = levelShapes(settings.shape as Triple, settings.levels);
    for (const [level, shape] of shapes.entries()) {
      const chunks = settings.chunks.map((c, a) => Math.min(c, shape[a]!));
      await writeArrayNode(path.join(temp, String(level)), 2, { shape, chunks, dtype: 'uint32', compression: 'gzip', dimensionNames: ['z', 'y', 'x'] });
    }
    await mkdir(path.join(temp, SEGMENT_WORK_FOLDER), { recursive: true });
    await writeFile(path.join(temp, SEGMENT_WORK_FOLDER, SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
  });
}

async function checkSettings(folder: string, settings: SegmentSettings): Promise<void> {
  const file = path.join(folder, SEGMENT_WORK_FOLDER, SETTINGS_FILE);
  const recorded = await readRecordedSettings<SegmentSettings>(folder, file, 'a Membrana block-wise segmentation');
  if (recorded.shape?.join() !== settings.shape.join()) {
    throw new Error(
      `${folder} was started for a volume of shape [${recorded.shape?.join(', ')}], but this input is [${settings.shape.join(', ')}]: give the probability it was started from, or delete ${folder} (or choose a new output) to start over.`,
    );
  }
  checkSameSettings(folder, recorded, settings, 'rerun with the same options');
}
