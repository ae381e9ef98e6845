import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as zarr from 'zarrita';
import { createFolderOnce } from './createFolderOnce.js';
import { LEDGER_FOLDER } from './BlockLedger.js';
import { DurableFileStore } from './DurableFileStore.js';
import type { Multiscale } from './openOmeLevelZero.js';
import { SLICE_STATISTICS_METHOD } from './SliceStatistics.js';

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
}

export const SETTINGS_FILE = 'settings.json';

/**
 * Opens the output OME-Zarr for a block prediction, creating it if it is missing: NGFF 0.4 on
 * Zarr v2, one level `0`, uint8 (255 = membrane), chunked like the input, axes and scale copied
 * from the input's multiscales. Several jobs may start at once: each builds the store in its own
 * temp folder and renames it into place; the first rename wins and the others open the winner's.
 * An existing store must have been started with the same settings, or its finished blocks would
 * not fit this run.
 */
export async function createPredictionStore(store: string, given: PredictionSettings, like: Multiscale | null, description: string): Promise<zarr.Array<'uint8', DurableFileStore>> {
  const folder = path.resolve(store);
  // Recorded always, so a store written with another normalisation (or before it was recorded) is refused.
  const settings: PredictionSettings = { ...given, normalization: given.normalization ?? SLICE_STATISTICS_METHOD };
  if (!existsSync(folder)) await createOnce(folder, settings, like, description);
  await checkSettings(folder, settings);
  const array = await zarr.open.v2(zarr.root(new DurableFileStore(folder)).resolve('0'), { kind: 'array' });
  if (!array.is('uint8')) throw new Error(`${path.join(folder, '0')} is ${array.dtype}, not uint8: it is not a Membrana prediction; choose another output.`);
  return array;
}

async function createOnce(folder: string, settings: PredictionSettings, like: Multiscale | null, description: string): Promise<void> {
  await createFolderOnce(folder, async (temp) => {
    await mkdir(path.join(temp, '0'), { recursive: true });
    await mkdir(path.join(temp, LEDGER_FOLDER));
    await writeJson(path.join(temp, '.zgroup'), { zarr_format: 2 });
    await writeJson(path.join(temp, '.zattrs'), { multiscales: [multiscale(settings, like, description)] });
    await writeJson(path.join(temp, '0', '.zarray'), {
      zarr_format: 2,
      shape: settings.shape,
      chunks: settings.chunks,
      dtype: '|u1',
      // zarrita cannot encode gzip/zlib yet; probabilities are written raw.
      compressor: null,
      fill_value: 0,
      order: 'C',
      filters: null,
      dimension_separator: '/',
    });
    await writeJson(path.join(temp, LEDGER_FOLDER, SETTINGS_FILE), settings);
  });
}

function multiscale(settings: PredictionSettings, like: Multiscale | null, description: string): Multiscale & Record<string, unknown> {
  const axes = like?.axes ?? [
    { name: 'z', type: 'space' },
    { name: 'y', type: 'space' },
    { name: 'x', type: 'space' },
  ];
  const transforms = like?.datasets[0]?.coordinateTransformations ?? [{ type: 'scale', scale: [1, 1, 1] }];
  return {
    version: '0.4',
    name: description,
    axes,
    datasets: [{ path: '0', coordinateTransformations: transforms }],
    ...(like?.coordinateTransformations ? { coordinateTransformations: like.coordinateTransformations } : {}),
    metadata: { method: 'membrana predict', settings },
  };
}

async function checkSettings(folder: string, settings: PredictionSettings): Promise<void> {
  const file = path.join(folder, LEDGER_FOLDER, SETTINGS_FILE);
  let recorded: PredictionSettings;
  try {
    recorded = JSON.parse(await readFile(file, 'utf8')) as PredictionSettings;
  } catch {
    throw new Error(`${folder} exists but is not a Membrana block prediction (${file} is missing or unreadable): choose a new output or delete it.`);
  }
  if (canonicalJson(recorded) !== canonicalJson(settings)) {
    throw new Error(
      `${folder} was started with other settings (${JSON.stringify(recorded)}), not this run's (${JSON.stringify(settings)}): rerun with the same input, model and options, or delete ${folder} to start over.`,
    );
  }
}

/** JSON with object keys sorted, so settings given in another key order still compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
