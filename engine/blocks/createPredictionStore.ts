import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as zarr from 'zarrita';
import { ngffProblems, SPACE_UNITS } from '../zarr/ngffSchema.js';
import { registerNodeCodecs } from '../zarr/zarrCodecs.js';
import { writeJsonAtomic } from '../base/atomicWrite.js';
import { writeArrayNode } from '../zarr/zarrNodes.js';
import { defaultLevelCount, levelDatasets, levelShapes, type Triple } from '../zarr/omeMetadata.js';
import { createFolderOnce } from './createFolderOnce.js';
import { LEDGER_FOLDER } from './BlockLedger.js';
import { AtomicFileStore } from '../zarr/AtomicFileStore.js';
import type { Multiscale } from './openOmeLevelZero.js';
import { SLICE_STATISTICS_METHOD } from './SliceStatistics.js';
import { checkSameSettings, readRecordedSettings } from './recordedSettings.js';

/** What a prediction store was started with; a rerun or another share must match it. */
export interface PredictionSettings {
  shape: number[];
  chunks: number[];
  block: number[];
  halo: number;
  /** The model folder's name and anything else that changes the bytes (TTA, tile size). */
  model: string;
  tta: boolean;
  maxTile: number;
  /** How slices are normalised (default, and the only method predictBlocks has: SLICE_STATISTICS_METHOD). */
  normalization?: string;
  /** Resolution levels (default: halving y/x until at most 512); 1… are built once every block is done. */
  levels?: number;
}

export const SETTINGS_FILE = 'settings.json';

/**
 * Opens the output OME-Zarr for a block prediction, creating it if it is missing: NGFF 0.4 on
 * Zarr v2, uint8 (255 = membrane), gzip chunks like the input's, level `0` and the coarser levels
 * the pyramid fills, axes and scale copied from the input's multiscales. Several jobs may start at once: each builds the store in its own
 * temp folder and renames it into place; the first rename wins and the others open the winner's.
 * An existing store must have been started with the same settings, or its finished blocks would
 * not fit this run.
 */
export async function createPredictionStore(store: string, given: PredictionSettings, like: Multiscale | null, description: string): Promise<zarr.Array<'uint8', AtomicFileStore>> {
  const folder = path.resolve(store);
  // Recorded always, so a store written with another normalisation (or before it was recorded) is refused.
  const settings: PredictionSettings = { ...given, normalization: given.normalization ?? SLICE_STATISTICS_METHOD, levels: given.levels ?? defaultLevelCount(given.shape as Triple) };
  if (!existsSync(folder)) await createOnce(folder, settings, like, description);
  await checkSettings(folder, settings);
  registerNodeCodecs();
  const array = await zarr.open.v2(zarr.root(new AtomicFileStore(folder, { durable: true })).resolve('0'), { kind: 'array' });
  if (!array.is('uint8')) throw new Error(`${path.join(folder, '0')} is ${array.dtype}, not uint8: it is not a Membrana prediction; choose another output.`);
  return array;
}

async function createOnce(folder: string, settings: PredictionSettings, like: Multiscale | null, description: string): Promise<void> {
  await createFolderOnce(folder, async (temp) => {
    await mkdir(path.join(temp, LEDGER_FOLDER));
    await writeJsonAtomic(path.join(temp, '.zgroup'), { zarr_format: 2 });
    await writeJsonAtomic(path.join(temp, '.zattrs'), { multiscales: [multiscale(settings, like, description)] });
    for (const [level, shape] of levelShapes(settings.shape as Triple, settings.levels ?? 1).entries()) {
      // Level 0 keeps the chunks blocks are made of; coarser ones are clipped to their size.
      const chunks = level === 0 ? settings.chunks : settings.chunks.map((c, a) => Math.min(c, shape[a]!));
      await writeArrayNode(path.join(temp, String(level)), 2, { shape, chunks, dtype: 'uint8', compression: 'gzip', dimensionNames: ['z', 'y', 'x'] });
    }
    await writeJsonAtomic(path.join(temp, LEDGER_FOLDER, SETTINGS_FILE), settings);
  });
}

function multiscale(settings: PredictionSettings, like: Multiscale | null, description: string): Multiscale & Record<string, unknown> {
  // z, y, x in space, with the input's length unit where it has a valid one.
  const likeAxes = (like?.axes ?? []) as { unit?: unknown }[];
  const axes = (['z', 'y', 'x'] as const).map((name, a) => {
    const unit = likeAxes[a]?.unit;
    return { name, type: 'space', ...(typeof unit === 'string' && SPACE_UNITS.has(unit) ? { unit } : {}) };
  });
  const build = (transforms: unknown[], top: unknown[] | undefined): Multiscale & Record<string, unknown> => ({
    version: '0.4',
    name: description,
    axes,
    datasets: levelDatasets(transforms, settings.levels ?? 1),
    // Coarser levels are 2×2 means.
    type: 'mean',
    ...(top ? { coordinateTransformations: top } : {}),
    metadata: { method: 'membrana predict', settings },
  });
  // The input's scale when it is valid NGFF, else unit voxels: viewers must be able to open it.
  const copied = build(like?.datasets[0]?.coordinateTransformations ?? [{ type: 'scale', scale: [1, 1, 1] }], like?.coordinateTransformations);
  return ngffProblems({ multiscales: [copied] }, '0.4').length === 0 ? copied : build([{ type: 'scale', scale: [1, 1, 1] }], undefined);
}

async function checkSettings(folder: string, settings: PredictionSettings): Promise<void> {
  const recorded = await readRecordedSettings<PredictionSettings>(folder, path.join(folder, LEDGER_FOLDER, SETTINGS_FILE), 'a Membrana block prediction');
  checkSameSettings(folder, recorded, settings, 'rerun with the same input, model and options');
}
