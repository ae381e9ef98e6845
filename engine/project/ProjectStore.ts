import type { VoxelSize } from '../../protocol/contract.js';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Volume, VoxelArray } from '../io/Volume.js';
import { VolumeReadError } from '../io/VolumeReadError.js';
import { readVolume } from '../io/readVolume.js';
import { writeTiff } from '../io/writeTiff.js';
import { openOmeZarr, type OmeZarr } from '../zarr/omeZarr.js';
import { readSlice } from '../zarr/readRegion.js';
import { syncDirectory, writeFileAtomic, writeJsonAtomic } from '../base/atomicWrite.js';
import { CorrectionChunks } from './CorrectionChunks.js';
import { CorrectionLayer } from './CorrectionLayer.js';
import { Journal } from './Journal.js';
import { MODEL_FILES, NO_DATA, VERSION_JSON, checkModelFolder, copyFiles, isVersionId, nextVersionId, readVersionInfo, versionFolders, type ModelVersionInfo } from './modelVersions.js';
import { IMAGE_TIF, JOURNAL_BIN, MODELS, PREDICTIONS, PROJECT_JSON, readProjectFile, type ProjectFile } from './projectFile.js';
import { ChunkedPredictions, SliceFilePredictions, type PredictionStore } from './predictionStores.js';
import { ProjectError } from './ProjectError.js';

export type { ModelVersionInfo, VersionData, VersionMetrics } from './modelVersions.js';

/**
 * A project's image stack: in memory (`data`, a project made from a TIFF or PNG stack) or read
 * slice by slice from an OME-Zarr volume too big to load (`data` null; use Project.readSlice).
 */
export type ProjectVolume = Omit<Volume, 'data'> & { data: VoxelArray | null };

/** The largest slice (in pixels) a project over an OME-Zarr volume may have: overlays and edits go a whole slice at a time. */
export const MAX_TILED_SLICE_PIXELS = 4096 * 4096;

/** What addModelVersion records about a new version (its id and creation time are added). */
export type NewVersionInfo = Pick<ModelVersionInfo, 'parent' | 'note' | 'data' | 'metrics'>;

/**
 * An open project folder (layout in README.md): the image stack, the corrections (replayed from
 * the journal), stored predictions per model version, and the model versions. Changes to
 * project.json and to models/ run one at a time; every file is written so a crash leaves either
 * the old or the new version of it.
 */
export class Project {
  private metadataQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    /** The project folder, absolute. */
    readonly dir: string,
    private settings: ProjectFile,
    /** The project's image stack (read from image.tif, or described by an OME-Zarr volume). */
    readonly volume: ProjectVolume,
    /** The OME-Zarr volume a tiled project reads its image from; null for a project with image.tif. */
    readonly omeZarr: OmeZarr | null,
    readonly corrections: CorrectionLayer,
    /** corrections.ome.zarr, kept in step with the corrections chunk by chunk. */
    readonly correctionChunks: CorrectionChunks,
    private readonly journal: Journal,
    /** Set when opening cut a half-written last record off the journal (a crash mid-save). */
    readonly repaired: { droppedBytes: number } | null,
  ) {
    this.predictions = omeZarr ? new ChunkedPredictions(dir, volume, () => this.volume.voxelSize) : new SliceFilePredictions(dir, volume);
  }

  private readonly predictions: PredictionStore;

  /** True for a project over an OME-Zarr volume (its image is read slice by slice, never copied). */
  get tiled(): boolean {
    return this.omeZarr !== null;
  }

  /** Slice z of the image (a view into memory, or read from the OME-Zarr volume). */
  async readSlice(z: number, signal?: AbortSignal): Promise<VoxelArray> {
    const { width, height, data } = this.volume;
    if (data) return data.subarray(z * width * height, (z + 1) * width * height);
    return readSlice(this.omeZarr!.levels[0]!, z, signal);
  }

  /**
   * Makes a project in `dir` (which must not exist or be empty) from a volume and a model folder:
   * copies the image to image.tif and the model to models/v1, then writes project.json last, so
   * a folder without it is never taken for a project. On failure, what was written is removed.
   */
  static async create(dir: string, volume: Volume, modelSourceDir: string, name?: string): Promise<Project> {
    const target = path.resolve(dir);
    const existed = await checkEmptyTarget(target, 'PROJECT_EXISTS', 'Choose a new folder name, or an empty folder, for the project.');
    await checkModelFolder(path.resolve(modelSourceDir));
    await writeNewProject(
      target,
      existed,
      modelSourceDir,
      (created) => ({
        format: 'membrana-project',
        version: 1,
        name: name?.trim() || volume.name || path.basename(target),
        created,
        image: { file: IMAGE_TIF, source: volume.source, width: volume.width, height: volume.height, depth: volume.depth, dtype: volume.dtype, voxelSize: volume.voxelSize },
        activeModel: 'v1',
      }),
      () => writeFileAtomic(path.join(target, IMAGE_TIF), writeTiff(volume, { compression: 'deflate', predictor: true })),
    );
    return Project.open(target);
  }

  /**
   * Makes a project over an OME-Zarr volume without copying it: project.json records the
   * volume's folder, predictions go into chunked stores, and opening reads only metadata.
   */
  static async createOverOmeZarr(dir: string, omeZarrDir: string, modelSourceDir: string, name?: string): Promise<Project> {
    const target = path.resolve(dir);
    const source = path.resolve(omeZarrDir);
    const zarr = await openOmeZarr(source);
    const [depth, height, width] = zarr.levels[0]!.shape;
    if (width * height > MAX_TILED_SLICE_PIXELS) {
      throw new ProjectError('TOO_LARGE', `Slices of ${source} are ${width} × ${height} pixels; a project can proofread slices of up to ${MAX_TILED_SLICE_PIXELS.toLocaleString('en')} pixels (4096 × 4096).`, {
        file: source,
        hint: 'Predict the whole volume block-wise with `membrana predict in.ome.zarr -o out.ome.zarr`, or make the project from a crop of the region to proofread.',
      });
    }
    if (zarr.kind !== 'image') throw new ProjectError('BAD_IMAGE', `${source} is a label image, not an image to proofread.`, { file: source, hint: 'Open the image volume (the folder above labels/).' });
    const existed = await checkEmptyTarget(target, 'PROJECT_EXISTS', 'Choose a new folder name, or an empty folder, for the project.');
    if (target === source || target.startsWith(source + path.sep)) {
      throw new ProjectError('PROJECT_EXISTS', `The project folder ${target} would be inside the volume ${source}.`, { file: target, hint: 'Put the project next to the volume, not inside it.' });
    }
    await checkModelFolder(path.resolve(modelSourceDir));
    await writeNewProject(target, existed, modelSourceDir, (created) => ({
      format: 'membrana-project',
      version: 1,
      name: name?.trim() || zarr.name || path.basename(source),
      created,
      image: { file: '', omeZarr: source, source, width, height, depth, dtype: zarr.dtype, voxelSize: zarr.voxelSize },
      activeModel: 'v1',
    }));
    return Project.open(target);
  }

  /** Opens a project folder: checks project.json, reads image.tif and replays the journal. */
  static async open(dir: string): Promise<Project> {
    const target = path.resolve(dir);
    const settings = await readProjectFile(target);
    const { volume, zarr } = settings.image.omeZarr ? await openProjectOmeZarr(target, settings, settings.image.omeZarr) : { volume: await readProjectImage(target, settings), zarr: null };
    const { journal, records, repaired } = await Journal.open(path.join(target, JOURNAL_BIN));
    try {
      const corrections = CorrectionLayer.replay(records, volume.width, volume.height, volume.depth, journal);
      const chunks = await CorrectionChunks.attach(target, corrections, records, () => volume.voxelSize);
      return new Project(target, settings, volume, zarr, corrections, chunks, journal, repaired);
    } catch (error) {
      await journal.close();
      throw error;
    }
  }

  get name(): string {
    return this.settings.name;
  }

  /** The model version in use ('v1', 'v2', ...). */
  get activeModel(): string {
    return this.settings.activeModel;
  }

  /** The folder of a model version (loadable with loadModelFolder). */
  modelDir(version: string): string {
    if (!isVersionId(version)) throw noSuchVersion(version, this.dir);
    return path.join(this.dir, MODELS, version);
  }

  /** Stores slice z's membrane probability (uint8, 255 = membrane) as predicted by a model version. */
  async savePrediction(version: string, z: number, data: Uint8Array): Promise<void> {
    await this.requireVersion(version);
    const { width, height, depth } = this.volume;
    if (!Number.isInteger(z) || z < 0 || z >= depth) throw new ProjectError('INVALID_PREDICTION', `Slice ${String(z)} is outside the stack (slices 0–${depth - 1}); its prediction was not stored.`);
    if (!(data instanceof Uint8Array) || data.length !== width * height) {
      throw new ProjectError('INVALID_PREDICTION', `A prediction of slice ${z} must be a Uint8Array of ${width} × ${height} = ${width * height} values, not ${data?.length ?? 'none'}; it was not stored.`);
    }
    await this.predictions.save(version, z, data);
  }

  /** Slice z's stored prediction by a version; null when it has not been predicted. */
  loadPrediction(version: string, z: number): Promise<Uint8Array | null> {
    return this.predictions.load(version, z);
  }

  /** Slices with a stored prediction by a version, ascending. */
  predictedSlices(version: string): Promise<number[]> {
    return this.predictions.slices(version);
  }

  /**
   * Adds the next model version ('v2', 'v3', ...): writeModel writes the model files into a new
   * folder, which becomes models/<id> (with version.json) only once complete.
   */
  addModelVersion(writeModel: (dir: string) => Promise<void>, info: NewVersionInfo): Promise<ModelVersionInfo> {
    return this.serialized(() => this.createVersion(writeModel, info));
  }

  /** Every model version, in order (v1 first). */
  async listModelVersions(): Promise<ModelVersionInfo[]> {
    const models = path.join(this.dir, MODELS);
    const versions: ModelVersionInfo[] = [];
    for (const id of await versionFolders(models)) {
      const info = await readVersionInfo(path.join(models, id));
      if (info) versions.push(info);
    }
    return versions;
  }

  /** Makes a version the one predictions and fine-tuning use (saved in project.json). */
  setActiveModel(version: string): Promise<void> {
    return this.serialized(async () => {
      await this.requireVersion(version);
      const settings = { ...this.settings, activeModel: version };
      await writeJsonAtomic(path.join(this.dir, PROJECT_JSON), settings);
      this.settings = settings;
    });
  }

  /** Sets the physical voxel size (EM stacks are anisotropic: ISBI 2012 is 4 × 4 × 50 nm); saved in project.json. */
  setVoxelSize(voxelSize: VoxelSize): Promise<void> {
    return this.serialized(async () => {
      for (const axis of ['x', 'y', 'z'] as const) {
        if (!(Number.isFinite(voxelSize[axis]) && voxelSize[axis] > 0)) {
          throw new ProjectError('INVALID_EDIT', `The voxel size along ${axis} must be a positive number, not ${String(voxelSize[axis])}.`, { hint: 'Give it in nanometres, e.g. 4 × 4 × 50.' });
        }
      }
      const clean: VoxelSize = { x: voxelSize.x, y: voxelSize.y, z: voxelSize.z, unit: voxelSize.unit || 'nm' };
      const settings = { ...this.settings, image: { ...this.settings.image, voxelSize: clean } };
      await writeJsonAtomic(path.join(this.dir, PROJECT_JSON), settings);
      this.settings = settings;
      this.volume.voxelSize = clean;
    });
  }

  /** Copies a version's model folder (with its version.json) to a new or empty folder. */
  async exportModel(version: string, targetDir: string): Promise<void> {
    await this.requireVersion(version);
    const target = path.resolve(targetDir);
    await checkEmptyTarget(target, 'TARGET_NOT_EMPTY', 'Export into a new folder, or an empty one.');
    await mkdir(target, { recursive: true });
    await copyFiles(this.modelDir(version), target, [...MODEL_FILES, VERSION_JSON]);
  }

  /** Adds a model folder from elsewhere as a new version without a parent. */
  importModel(sourceDir: string, note: string): Promise<ModelVersionInfo> {
    const source = path.resolve(sourceDir);
    return this.serialized(async () => {
      await checkModelFolder(source);
      return this.createVersion((dir) => copyFiles(source, dir, MODEL_FILES), { parent: null, note, data: { ...NO_DATA }, metrics: {} });
    });
  }

  /** Waits for pending edits and version changes, then closes the journal. */
  async close(): Promise<void> {
    await this.metadataQueue;
    await this.correctionChunks.close();
    await this.journal.close();
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.metadataQueue.then(operation);
    this.metadataQueue = result.catch(() => undefined);
    return result;
  }

  /** The next version folder, built under a temp name and renamed into place once complete. */
  private async createVersion(writeModel: (dir: string) => Promise<void>, info: NewVersionInfo): Promise<ModelVersionInfo> {
    if (info.parent !== null) await this.requireVersion(info.parent);
    const models = path.join(this.dir, MODELS);
    const id = nextVersionId(await versionFolders(models));
    const temp = path.join(models, `.${id}.creating-${process.pid}`);
    const version: ModelVersionInfo = { id, parent: info.parent, created: new Date().toISOString(), note: info.note, data: info.data, metrics: info.metrics };
    try {
      await rm(temp, { recursive: true, force: true });
      await mkdir(temp, { recursive: true });
      await writeModel(temp);
      await checkModelFolder(temp);
      await writeJsonAtomic(path.join(temp, VERSION_JSON), version);
      await rename(temp, path.join(models, id));
      await syncDirectory(models);
    } catch (error) {
      // Best effort: a leftover temp folder is removed by the next version's first step; the write's error is what matters.
      await rm(temp, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    return version;
  }

  private async requireVersion(version: string): Promise<void> {
    if (!isVersionId(version) || (await readVersionInfo(path.join(this.dir, MODELS, version))) === null) throw noSuchVersion(version, this.dir);
  }
}

/**
 * Writes a new project's folder: models/v1 (a copy of the model), predictions/, an empty journal,
 * whatever `writeImage` adds, and project.json last, so a folder without it is never taken for
 * a project. On failure, what was written is removed.
 */
async function writeNewProject(target: string, existed: boolean, modelSourceDir: string, settings: (created: string) => ProjectFile, writeImage?: () => Promise<void>): Promise<void> {
  try {
    await mkdir(path.join(target, MODELS, 'v1'), { recursive: true });
    await mkdir(path.join(target, PREDICTIONS), { recursive: true });
    await writeImage?.();
    await copyFiles(path.resolve(modelSourceDir), path.join(target, MODELS, 'v1'), MODEL_FILES);
    const created = new Date().toISOString();
    const version: ModelVersionInfo = { id: 'v1', parent: null, created, note: 'shipped model', data: { ...NO_DATA }, metrics: {} };
    await writeJsonAtomic(path.join(target, MODELS, 'v1', VERSION_JSON), version);
    await (await Journal.open(path.join(target, JOURNAL_BIN))).journal.close();
    await writeJsonAtomic(path.join(target, PROJECT_JSON), settings(created));
  } catch (error) {
    // Leave the folder as it was, so the user can simply try again (best effort: the error that stopped it is thrown).
    if (existed) for (const entry of await readdir(target).catch(() => [])) await rm(path.join(target, entry), { recursive: true, force: true });
    else await rm(target, { recursive: true, force: true });
    throw error;
  }
}

/** Opens the OME-Zarr volume a tiled project reads, checking it is the one project.json describes (metadata only). */
async function openProjectOmeZarr(dir: string, settings: ProjectFile, source: string): Promise<{ volume: ProjectVolume; zarr: OmeZarr }> {
  let zarr: OmeZarr;
  try {
    zarr = await openOmeZarr(source);
  } catch (error) {
    throw new ProjectError('MISSING_IMAGE', `The project's image volume ${source} cannot be opened: ${(error as Error).message}`, {
      file: source,
      hint: `Put the OME-Zarr volume back at ${source} (or mount the drive it is on), or write its new path as image.omeZarr in ${path.join(dir, PROJECT_JSON)}.`,
      cause: error,
    });
  }
  const [depth, height, width] = zarr.levels[0]!.shape;
  const { image } = settings;
  if (width !== image.width || height !== image.height || depth !== image.depth || zarr.dtype !== image.dtype) {
    throw new ProjectError('BAD_IMAGE', `${source} is ${width} × ${height} × ${depth} ${zarr.dtype}, but the project was made from a ${image.width} × ${image.height} × ${image.depth} ${image.dtype} volume.`, {
      file: source,
      hint: `Point image.omeZarr in ${path.join(dir, PROJECT_JSON)} at the project's own volume.`,
    });
  }
  const volume: ProjectVolume = { name: settings.name, source, format: 'OME-Zarr', width, height, depth, dtype: zarr.dtype, data: null, voxelSize: image.voxelSize };
  return { volume, zarr };
}

function noSuchVersion(version: string, dir: string): ProjectError {
  return new ProjectError('NO_SUCH_VERSION', `The project ${dir} has no model version ${JSON.stringify(version)}.`, {
    file: path.join(dir, MODELS),
    hint: 'Pick one of the versions the project lists (v1, v2, ...).',
  });
}

/** Throws `code` unless `target` is missing or an empty folder; says whether it existed. */
async function checkEmptyTarget(target: string, code: 'PROJECT_EXISTS' | 'TARGET_NOT_EMPTY', hint: string): Promise<boolean> {
  const stats = await stat(target).catch(() => undefined);
  if (!stats) return false;
  if (!stats.isDirectory()) throw new ProjectError(code, `${target} already exists and is a file, not a folder.`, { file: target, hint });
  const entries = await readdir(target);
  if (entries.length > 0) throw new ProjectError(code, `${target} is not empty (it holds ${entries.length} item${entries.length === 1 ? '' : 's'}).`, { file: target, hint });
  return true;
}

/** Reads image.tif and checks it is the stack project.json describes; voxel size comes from project.json. */
async function readProjectImage(dir: string, settings: ProjectFile): Promise<Volume> {
  const file = path.join(dir, settings.image.file);
  if (!(await stat(file).catch(() => undefined))) {
    throw new ProjectError('MISSING_IMAGE', `The project's image stack ${file} is missing.`, {
      file,
      hint: `Copy ${settings.image.file} back into ${dir} (the project was made from ${settings.image.source}).`,
    });
  }
  let volume: Volume;
  try {
    volume = await readVolume(file);
  } catch (error) {
    if (!(error instanceof VolumeReadError)) throw error;
    throw new ProjectError('BAD_IMAGE', `The project's image stack cannot be read: ${error.message}`, { file, hint: `${error.hint} Then save it as ${file}.`, cause: error });
  }
  const { width, height, depth, dtype } = settings.image;
  if (volume.width !== width || volume.height !== height || volume.depth !== depth || volume.dtype !== dtype) {
    throw new ProjectError(
      'BAD_IMAGE',
      `${file} is ${volume.width} × ${volume.height} × ${volume.depth} ${volume.dtype}, but the project was made from a ${width} × ${height} × ${depth} ${dtype} stack.`,
      { file, hint: `Put the project's own image stack back as ${file} (the project was made from ${settings.image.source}).` },
    );
  }
  return { ...volume, name: settings.name, voxelSize: settings.image.voxelSize };
}
