import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { readIfExists } from '../io/readIfExists.js';
import type { VoxelSize } from '../../protocol/contract.js';
import { openOrCreateOmeZarr, type OmeZarr } from '../zarr/omeZarr.js';
import { readSlice, writeRegion } from '../zarr/readRegion.js';
import { writeFileAtomic } from '../base/atomicWrite.js';
import { isVersionId } from './modelVersions.js';
import { PREDICTIONS } from './projectFile.js';
import { ProjectError } from './ProjectError.js';
import { logger } from '../base/log.js';

const log = logger('project');

/** Where a project keeps each model version's membrane probabilities (uint8, 255 = membrane), slice by slice. */
export interface PredictionStore {
  save(version: string, z: number, data: Uint8Array): Promise<void>;
  /** Slice z's prediction by a version; null when it has not been predicted. */
  load(version: string, z: number): Promise<Uint8Array | null>;
  /** Slices with a stored prediction by a version, ascending. */
  slices(version: string): Promise<number[]>;
}

interface StackShape {
  width: number;
  height: number;
  depth: number;
}

/** predictions/<version>/<z>.u8: one raw file a slice (projects over stacks that fit in memory). */
export class SliceFilePredictions implements PredictionStore {
  constructor(
    private readonly dir: string,
    private readonly shape: StackShape,
  ) {}

  async save(version: string, z: number, data: Uint8Array): Promise<void> {
    const folder = path.join(this.dir, PREDICTIONS, version);
    await mkdir(folder, { recursive: true });
    await writeFileAtomic(path.join(folder, predictionName(z)), data);
  }

  async load(version: string, z: number): Promise<Uint8Array | null> {
    if (!isVersionId(version)) return null;
    const file = path.join(this.dir, PREDICTIONS, version, predictionName(z));
    const bytes = await readIfExists(file);
    if (!bytes) return null;
    const { width, height } = this.shape;
    if (bytes.byteLength !== width * height) {
      throw new ProjectError('CORRUPT_PREDICTION', `The stored prediction ${file} has ${bytes.byteLength} bytes, but a ${width} × ${height} slice needs ${width * height}.`, {
        file,
        hint: `Predict slice ${z} again with model ${version}; that replaces the file.`,
      });
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async slices(version: string): Promise<number[]> {
    if (!isVersionId(version)) return [];
    const names = await predictedNames(path.join(this.dir, PREDICTIONS, version));
    return names
      .filter((name) => /^\d{5,}\.u8$/.test(name))
      .map((name) => Number.parseInt(name, 10))
      .filter((z) => z < this.shape.depth)
      .sort((a, b) => a - b);
  }
}

/**
 * The names in a version's prediction folder; none when nothing was predicted with it yet. A
 * folder that is there but cannot be listed reads as none too (the project still opens), and the
 * log says why.
 */
async function predictedNames(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('Cannot list the stored predictions; they show as not predicted', { folder, error });
    return [];
  }
}

/** Chunk edge in y and x of the chunked predictions; one slice deep, so slices never share a chunk. */
export const PREDICTION_CHUNK = 512;
/** Inside a chunked prediction store: one empty file per slice whose chunks are all written. */
const DONE_FOLDER = '.membrana-slices';

/**
 * predictions/<version>.ome.zarr: an OME-Zarr image (NGFF 0.4, Zarr v2, gzip) a version's
 * predictions are written into chunk by chunk, for projects over volumes read tile by tile.
 * Saving slice z writes only that slice's chunks and then its marker; a slice without a marker
 * (never predicted, or a crash mid-write) reads as not predicted and is predicted again. The
 * store opens in napari or Neuroglancer like any OME-Zarr.
 */
export class ChunkedPredictions implements PredictionStore {
  private readonly stores = new Map<string, Promise<OmeZarr | null>>();

  constructor(
    private readonly dir: string,
    private readonly shape: StackShape,
    /** The project's voxel size as it is now (it can be set after the project is made). */
    private readonly voxelSize: () => VoxelSize,
  ) {}

  /** The store of a version's predictions (made by the first save). */
  storeDir(version: string): string {
    return path.join(this.dir, PREDICTIONS, `${version}.ome.zarr`);
  }

  async save(version: string, z: number, data: Uint8Array): Promise<void> {
    const store = await this.store(version, true);
    const level = store!.levels[0]!;
    const { width, height } = this.shape;
    const done = path.join(this.storeDir(version), DONE_FOLDER);
    const marker = path.join(done, String(z));
    // Unmarked first: a crash while the new chunks are written leaves the slice "not predicted"
    // (predicted again), never marked with a mix of old and new chunks. The slice's own chunks go
    // too (chunks are one slice deep), so nothing old is read back to merge with.
    await rm(marker, { force: true });
    await rm(path.join(level.file, String(z)), { recursive: true, force: true });
    try {
      await writeRegion(level, { z: [z, z + 1], y: [0, height], x: [0, width] }, data);
    } catch (error) {
      throw new ProjectError('CORRUPT_PREDICTION', `The prediction of slice ${z} could not be written to ${this.storeDir(version)}: ${(error as Error).message}`, {
        file: this.storeDir(version),
        hint: 'Check that the disk has room and the project folder is writable, then predict the slice again.',
        cause: error,
      });
    }
    await mkdir(done, { recursive: true });
    await writeFileAtomic(marker, new Uint8Array(0));
  }

  async load(version: string, z: number): Promise<Uint8Array | null> {
    if (!isVersionId(version)) return null;
    if (!(await stat(path.join(this.storeDir(version), DONE_FOLDER, String(z))).catch(() => undefined))) return null;
    const store = await this.store(version, false);
    if (!store) return null;
    try {
      return (await readSlice(store.levels[0]!, z)) as Uint8Array;
    } catch (error) {
      const file = this.storeDir(version);
      throw new ProjectError('CORRUPT_PREDICTION', `The stored prediction of slice ${z} in ${file} cannot be read: ${(error as Error).message}`, {
        file,
        hint: `Predict slice ${z} again with model ${version}; that rewrites its chunks.`,
        cause: error,
      });
    }
  }

  async slices(version: string): Promise<number[]> {
    if (!isVersionId(version)) return [];
    const names = await predictedNames(path.join(this.storeDir(version), DONE_FOLDER));
    return names
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((z) => z < this.shape.depth)
      .sort((a, b) => a - b);
  }

  private store(version: string, create: boolean): Promise<OmeZarr | null> {
    const have = this.stores.get(version);
    if (have) return have;
    const dir = this.storeDir(version);
    const opening = (async (): Promise<OmeZarr | null> => {
      // Reading a version never predicted finds nothing; only a save makes the store.
      if (!create && !(await stat(path.join(dir, '.zattrs')).catch(() => undefined))) return null;
      const { width, height, depth } = this.shape;
      return openOrCreateOmeZarr(dir, {
        shape: [depth, height, width],
        dtype: 'uint8',
        chunks: [1, PREDICTION_CHUNK, PREDICTION_CHUNK],
        voxelSize: this.voxelSize(),
        levels: 1,
        version: 2,
        name: `membrane probability (model ${version})`,
      });
    })();
    // A failed open is not remembered: the next call tries again.
    opening.then(
      (store) => {
        if (!store) this.stores.delete(version);
      },
      () => this.stores.delete(version),
    );
    this.stores.set(version, opening);
    return opening;
  }
}

/** 00042.u8: zero-padded so the files sort by slice in any file manager. */
function predictionName(z: number): string {
  return `${String(z).padStart(5, '0')}.u8`;
}
