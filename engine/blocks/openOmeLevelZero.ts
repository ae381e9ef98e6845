import { existsSync } from 'node:fs';
import path from 'node:path';
import * as zarr from 'zarrita';
import { checkChunkReads } from '../zarr/checkedChunks.js';
import { checkAxesMatch, checkDatasetPath, checkScale, validateArrayMetadata, validateGroupMetadata } from '../zarr/validateZarr.js';
import { ZARR_HINTS, ZarrError } from '../zarr/ZarrError.js';
import { readJson as readZarrJson } from '../zarr/zarrNodes.js';
import { registerNodeCodecs } from '../zarr/zarrCodecs.js';
import { AtomicFileStore } from '../zarr/AtomicFileStore.js';

/** The NGFF multiscales entry, as much of it as block prediction reads and copies. */
export interface Multiscale {
  version?: string;
  name?: string;
  axes?: unknown[];
  datasets: { path: string; coordinateTransformations?: unknown[] }[];
  coordinateTransformations?: unknown[];
}

export interface OmeLevelZero {
  /** The store's folder. */
  store: string;
  /** The full-resolution array, [z, y, x]. */
  array: zarr.Array<zarr.DataType, AtomicFileStore>;
  /** Its path inside the store ('' when the store is a bare array). */
  path: string;
  /** The first multiscales entry, or null for a bare array. */
  multiscale: Multiscale | null;
}

/**
 * Opens the full-resolution level of an OME-Zarr (NGFF 0.4 on Zarr v2: `.zattrs`; 0.5 on Zarr
 * v3: `zarr.json` attributes.ome), found by `multiscales[0].datasets[0].path`. A store that is
 * a bare [z, y, x] array is opened as it is.
 */
export async function openOmeLevelZero(store: string): Promise<OmeLevelZero> {
  const folder = path.resolve(store);
  if (!existsSync(folder)) throw new ZarrError('NOT_OME_ZARR', `No OME-Zarr at ${folder}: check the path.`, { file: folder, hint: 'Give the .ome.zarr folder (the one holding zarr.json or .zattrs).' });
  const { multiscale, file } = await readMultiscale(folder);
  const levelPath = multiscale ? checkDatasetPath(multiscale.datasets[0]!.path, file) : '';
  const arrayDir = path.join(folder, levelPath);
  // The array's own metadata, checked against the Zarr specification before zarrita reads it.
  const v2 = await readZarrJson(path.join(arrayDir, '.zarray'));
  const metaFile = path.join(arrayDir, v2 !== undefined ? '.zarray' : 'zarr.json');
  const meta = v2 ?? (await readZarrJson(metaFile));
  if (meta === undefined) throw new ZarrError('INVALID_METADATA', `${arrayDir} holds no Zarr array (neither .zarray nor zarr.json): check that ${folder} is an OME-Zarr image.`, { file: arrayDir, hint: ZARR_HINTS.reexport });
  const checked = validateArrayMetadata(meta, metaFile);
  if (checked.shape.length !== 3) {
    throw new ZarrError('UNSUPPORTED', `${arrayDir} has ${checked.shape.length} dimensions [${checked.shape.join(', ')}]; block-wise work needs a 3-D [z, y, x] image (one channel, one time point).`, { file: metaFile, hint: 'Export a single-channel, single-timepoint 3D volume with axes z, y, x.' });
  }
  if (multiscale) {
    checkAxesMatch(multiscale.axes, checked.shape.length, file, arrayDir);
    for (const t of (multiscale.datasets[0]!.coordinateTransformations ?? []) as { type?: string; scale?: unknown }[]) if (t.type === 'scale') checkScale(t.scale, file, checked.shape.length);
  }
  registerNodeCodecs();
  const root = zarr.root(new AtomicFileStore(folder, { durable: true }));
  const location = levelPath ? root.resolve(levelPath) : root;
  let array: zarr.Array<zarr.DataType, AtomicFileStore>;
  try {
    array = checked.version === 2 ? await zarr.open.v2(location, { kind: 'array' }) : await zarr.open.v3(location, { kind: 'array' });
  } catch (error) {
    if (error instanceof ZarrError) throw error;
    throw new ZarrError('INVALID_METADATA', `${arrayDir} is not a readable Zarr array (${(error as Error).message}): check that ${folder} is an OME-Zarr image.`, { file: metaFile, hint: ZARR_HINTS.reexport, cause: error });
  }
  return { store: folder, array: checkChunkReads(array, arrayDir), path: levelPath, multiscale };
}

/**
 * The first multiscales entry and the file it is in; null when the store is a bare array (no
 * multiscales anywhere).
 */
async function readMultiscale(folder: string): Promise<{ multiscale: Multiscale | null; file: string }> {
  const v2File = path.join(folder, '.zattrs');
  const v3File = path.join(folder, 'zarr.json');
  const v2 = (await readZarrJson(v2File)) as Record<string, unknown> | undefined;
  const v3 = v2 === undefined ? ((await readZarrJson(v3File)) as Record<string, unknown> | undefined) : undefined;
  const v3Attributes = (v3?.attributes ?? {}) as Record<string, unknown>;
  const ome = (typeof v3Attributes.ome === 'object' && v3Attributes.ome !== null ? v3Attributes.ome : {}) as Record<string, unknown>;
  const list = v2 !== undefined && typeof v2 === 'object' && v2 !== null ? v2.multiscales : (ome.multiscales ?? v3Attributes.multiscales);
  const file = v2 !== undefined ? v2File : v3File;
  if (list === undefined) return { multiscale: null, file };
  // A store with multiscales is an NGFF image: a group whose attributes follow the specification.
  if (v2 !== undefined) validateGroupMetadata(await readZarrJson(path.join(folder, '.zgroup')), path.join(folder, '.zgroup'));
  else validateGroupMetadata(v3, v3File);
  // Not the whole NGFF schema: block-wise work also takes older or looser metadata (bare axis
  // names, no scale) from other tools. What it uses is checked: the list, the level's path
  // (inside the store), the axes against the array's dimensions (by the caller), the scale.
  if (!Array.isArray(list) || list.length === 0 || typeof list[0] !== 'object' || list[0] === null) {
    throw new ZarrError('INVALID_METADATA', `${file}: "multiscales" is not a list of multiscale images.`, { file, hint: ZARR_HINTS.reexport });
  }
  const first = (list as Multiscale[])[0]!;
  if (!Array.isArray(first.datasets) || typeof first.datasets[0]?.path !== 'string') {
    throw new ZarrError('INVALID_METADATA', `The multiscales metadata in ${file} has no datasets[0].path: the OME-Zarr is incomplete or not NGFF 0.4/0.5.`, { file, hint: ZARR_HINTS.reexport });
  }
  return { multiscale: { ...first, version: first.version ?? (ome.version as string | undefined) }, file };
}
