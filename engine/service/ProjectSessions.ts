import { createHash } from 'node:crypto';
import path from 'node:path';
import type { CallContext, EditResult, EngineHandlers, ProjectInfo, VolumeInfo } from '../../protocol/contract.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { Project } from '../project/ProjectStore.js';
import { defaultConfigDir, forgetProject, listRecentProjects, rememberProject } from '../project/RecentProjects.js';
import { logger } from '../base/log.js';
import { CallError } from './CallError.js';
import type { EngineEventListener } from './EngineService.js';
import { ProjectJobs } from './ProjectJobs.js';
import { ProjectNeurons } from './ProjectNeurons.js';
import type { VolumeHandlers } from './volumeCalls.js';
import type { VolumeRegistry } from './VolumeRegistry.js';

const log = logger('project');

/** The calls of the contract that work on projects: all but those on plain volumes and the engine itself. */
export type ProjectHandlers = Omit<EngineHandlers, keyof VolumeHandlers | 'hello' | 'backend' | 'diagnostics'>;

export interface ProjectSessionsOptions {
  /** Where recent-projects.json lives; default: defaultConfigDir(). */
  configDir?: string;
  /** The model a new project starts from; default: the shipped model. */
  modelDir?: string;
  /** Tells every connected UI (EngineService.events). */
  emit?: EngineEventListener;
}

interface OpenProject {
  project: Project;
  volume: VolumeInfo;
  jobs: ProjectJobs;
  neurons: ProjectNeurons;
  repaired?: string;
}

/**
 * The engine's open projects and the calls on them. A project is opened at most once per engine
 * (two windows on the same folder share it), keyed by its folder, so edits from both go through
 * one journal.
 */
export class ProjectSessions {
  private readonly open = new Map<string, OpenProject>();
  private readonly configDir: string;

  /** `volumes`: the engine's open volumes, where a project's image is registered while it is open. */
  constructor(
    private readonly volumes: VolumeRegistry,
    private readonly options: ProjectSessionsOptions = {},
  ) {
    this.configDir = options.configDir ?? defaultConfigDir();
  }

  readonly handlers: ProjectHandlers = {
    newProject: async ({ volumeId, dir, name }) => {
      const target = checkedDir(dir);
      const modelDir = this.options.modelDir ?? shippedModelDir();
      // A volume read tile by tile is not copied: the project refers to its folder.
      const folder = this.volumes.omeZarrFolder(volumeId);
      if (folder) return this.register(await Project.createOverOmeZarr(target, folder, modelDir, name?.trim() || undefined));
      const volume = this.volumes.inMemory(volumeId);
      if (!volume) throw new CallError('NO_SUCH_VOLUME', `Volume ${volumeId} is not open in the engine.`, { hint: 'Open the image stack again, then make the project.' });
      return this.register(await Project.create(target, volume, modelDir, name?.trim() || undefined));
    },
    openProject: async ({ dir }) => {
      const target = checkedDir(dir);
      const existing = this.open.get(projectId(target));
      if (existing) return this.info(existing);
      return this.register(await Project.open(target));
    },
    projectInfo: async ({ projectId: id }) => this.info(this.get(id)),
    recentProjects: async () => listRecentProjects(this.configDir),
    forgetRecentProject: async ({ dir }) => {
      await forgetProject(this.configDir, checkedDir(dir));
      return listRecentProjects(this.configDir);
    },
    closeProject: async ({ projectId: id }) => {
      const entry = this.open.get(id);
      if (entry) {
        this.open.delete(id);
        entry.jobs.dispose();
        this.volumes.close(entry.volume.id);
        await entry.neurons.close();
        await entry.project.close();
      }
      return null;
    },
    getOverlay: async ({ projectId: id, z }) => {
      const { project } = this.get(id);
      checkSlice(project, z);
      const { width, height } = project.volume;
      const prediction = await project.loadPrediction(project.activeModel, z);
      // An unlabelled slice's labels are all zeros: send none, the UI makes its own.
      const labels = project.corrections.touchedTiles(z).length > 0 ? project.corrections.slice(z) : new Uint8Array(0);
      return { z, width, height, prediction, labels };
    },
    predict: async ({ projectId: id, first, last, tta }, context) => {
      const entry = this.get(id);
      checkSlice(entry.project, first);
      checkSlice(entry.project, last);
      if (last < first) throw new CallError('BAD_ARGUMENT', `Slice range ${first}–${last} is empty.`, { hint: 'Give the first slice, then the last.' });
      await entry.jobs.predict(Array.from({ length: last - first + 1 }, (_, k) => first + k), context, tta === true);
      return this.info(entry);
    },
    paint: async ({ projectId: id, z, indices, value, tool }) => {
      const { project } = this.get(id);
      checkSlice(project, z);
      if (!(indices instanceof Uint32Array)) throw new CallError('BAD_ARGUMENT', 'Painted pixels must be sent as a Uint32Array of pixel indices.');
      const change = await project.corrections.paint(z, indices, value, String(tool));
      return this.editResult(project, change);
    },
    undo: async ({ projectId: id }) => {
      const { project } = this.get(id);
      return this.editResult(project, await project.corrections.undo());
    },
    redo: async ({ projectId: id }) => {
      const { project } = this.get(id);
      return this.editResult(project, await project.corrections.redo());
    },
    setValidation: async ({ projectId: id, z, on }) => {
      const entry = this.get(id);
      checkSlice(entry.project, z);
      await entry.project.corrections.setValidation(z, Boolean(on));
      return this.info(entry);
    },
    fineTune: async ({ projectId: id, steps }, context) => {
      const entry = this.get(id);
      if (!Number.isInteger(steps) || steps < 1 || steps > 100_000) {
        throw new CallError('BAD_ARGUMENT', `Fine-tuning steps must be a whole number from 1 to 100000, not ${String(steps)}.`);
      }
      const result = await entry.jobs.fineTune(steps, context);
      return { ...result, project: await this.info(entry) };
    },
    evaluate: async ({ projectId: id }) => this.get(id).jobs.evaluate(),
    setActiveModel: async ({ projectId: id, version }) => {
      const entry = this.get(id);
      await entry.project.setActiveModel(String(version));
      return this.info(entry);
    },
    exportModel: async ({ projectId: id, version, dir }) => {
      const { project } = this.get(id);
      await project.exportModel(String(version), checkedDir(dir));
      return null;
    },
    importModel: async ({ projectId: id, dir, note }) => {
      const entry = this.get(id);
      await entry.project.importModel(checkedDir(dir), note?.trim() || `imported from ${path.basename(dir)}`);
      return this.info(entry);
    },
    reviewQueue: async ({ projectId: id, limit }) => this.get(id).jobs.reviewQueue(Math.max(1, Math.min(1000, Math.floor(limit) || 20))),
    setVoxelSize: async ({ projectId: id, voxelSize }) => {
      const entry = this.get(id);
      await entry.project.setVoxelSize(voxelSize);
      entry.volume.voxelSize = entry.project.volume.voxelSize;
      return this.info(entry);
    },
    segment: async ({ projectId: id, linkThreshold }, context) => {
      const entry = this.get(id);
      if (linkThreshold !== undefined && !(linkThreshold > 0 && linkThreshold <= 1)) {
        throw new CallError('BAD_ARGUMENT', `The link threshold must be above 0 and at most 1, not ${String(linkThreshold)}.`);
      }
      checkSegmentable(entry.project);
      const { depth } = entry.project.volume;
      const predicted = new Set(await entry.project.predictedSlices(entry.project.activeModel));
      const missing = Array.from({ length: depth }, (_, z) => z).filter((z) => !predicted.has(z));
      if (missing.length > 0) await entry.jobs.predict(missing, context);
      return entry.jobs.run('segmenting', () => entry.neurons.segment(linkThreshold, context));
    },
    importSegmentation: async ({ projectId: id, path: folder }, context) => {
      const entry = this.get(id);
      checkSegmentable(entry.project);
      return entry.jobs.run('importing a segmentation', () => entry.neurons.importSegmentation(checkedDir(folder), context));
    },
    segmentation: async ({ projectId: id }) => this.get(id).neurons.info(),
    getSegmentSlice: async ({ projectId: id, z }) => {
      const entry = this.get(id);
      checkSlice(entry.project, z);
      return entry.neurons.slice(z);
    },
    editSegments: async ({ projectId: id, operation }) => this.get(id).neurons.edit(operation),
    undoSegments: async ({ projectId: id }) => this.get(id).neurons.undo(),
    redoSegments: async ({ projectId: id }) => this.get(id).neurons.redo(),
    listSegments: async ({ projectId: id }) => this.get(id).neurons.list(),
    setSegmentNote: async ({ projectId: id, id: segment, note, tags }) => {
      await this.get(id).neurons.setNote(segment, note, tags);
      return null;
    },
    getMeshes: async ({ projectId: id, ids }, context) => this.get(id).neurons.getMeshes(Array.isArray(ids) ? ids.filter((n) => Number.isInteger(n) && n > 0) : [], context),
    exportMeshes: async ({ projectId: id, ids, dir, format, units, scene }, context) => {
      const entry = this.get(id);
      const files = await entry.jobs.run('exporting meshes', () => entry.neurons.export(Array.isArray(ids) ? ids : [], checkedDir(dir), format, units === 'um' ? 'um' : 'nm', Boolean(scene), context));
      return { files };
    },
  };

  /** Closes every project (engine shutdown). */
  async dispose(): Promise<void> {
    for (const id of [...this.open.keys()]) await this.handlers.closeProject({ projectId: id }, NO_CONTEXT);
  }

  private async register(project: Project): Promise<ProjectInfo> {
    const { data } = project.volume;
    let volume: VolumeInfo | null = null;
    let neurons: ProjectNeurons;
    try {
      volume = data ? this.volumes.add({ ...project.volume, data }, project.name) : await this.volumes.openOmeZarr(project.omeZarr!.dir, project.name);
      volume.voxelSize = project.volume.voxelSize;
      neurons = await ProjectNeurons.open(project);
    } catch (error) {
      // Nothing half-open is left behind: the journal is closed, so opening again starts clean.
      if (volume) this.volumes.close(volume.id);
      await project.close().catch((closeError: unknown) => log.warn('Could not close a project that failed to open', { dir: project.dir, error: closeError }));
      throw error;
    }
    const id = projectId(project.dir);
    const jobs = new ProjectJobs(project, (z, model) => this.options.emit?.('predicted', { projectId: id, model, z }));
    const entry: OpenProject = { project, volume, jobs, neurons };
    if (project.repaired) {
      entry.repaired = `The journal ${path.join(project.dir, 'journal.bin')} ended in a half-written edit (${project.repaired.droppedBytes} bytes, from a crash while saving); it was dropped. Every edit that had been shown as applied is kept.`;
    }
    this.open.set(projectId(project.dir), entry);
    // The recent list is a convenience: a project opens even when the list cannot be written.
    await rememberProject(this.configDir, project.dir, project.name).catch((error: unknown) => log.warn('Could not add the project to the recent projects', { dir: project.dir, configDir: this.configDir, error }));
    log.info('Project open', { dir: project.dir, model: project.activeModel });
    return this.info(entry);
  }

  private get(id: string): OpenProject {
    const entry = this.open.get(id);
    if (!entry) throw new CallError('NO_SUCH_PROJECT', 'That project is not open in the engine (it may have restarted).', { hint: 'Open the project again (Open project…, or Recent on the start screen).' });
    return entry;
  }

  private async info(entry: OpenProject): Promise<ProjectInfo> {
    const { project } = entry;
    const layer = project.corrections;
    return {
      id: projectId(project.dir),
      dir: project.dir,
      name: project.name,
      volume: entry.volume,
      activeModel: project.activeModel,
      models: await project.listModelVersions(),
      predicted: await project.predictedSlices(project.activeModel),
      labelledSlices: layer.labelledSlices(),
      validationSlices: layer.validationSlices(),
      canUndo: layer.canUndo,
      canRedo: layer.canRedo,
      ...(entry.repaired ? { repaired: entry.repaired } : {}),
    };
  }

  private editResult(project: Project, change: EditResult['change']): EditResult {
    const layer = project.corrections;
    return { change, canUndo: layer.canUndo, canRedo: layer.canRedo, labelledSlices: layer.labelledSlices() };
  }
}

/** Refuses a project too big to hold its neuron ids in memory, pointing to the block-wise CLI. */
function checkSegmentable(project: Project): void {
  const { width, height, depth } = project.volume;
  if (width * height * depth > MAX_SEGMENT_VOXELS) {
    throw new CallError(
      'TOO_LARGE',
      `${project.name} has ${(width * height * depth).toLocaleString('en')} voxels; the app holds neurons of up to ${MAX_SEGMENT_VOXELS.toLocaleString('en')} voxels in memory.`,
      { hint: 'Segment it block-wise with `membrana predict` and `membrana segment` on the OME-Zarr volume (they run on a cluster too), and show the result with Open › As labels.' },
    );
  }
}

/**
 * The most voxels the app segments in memory (ids take 4 bytes a voxel); bigger volumes go
 * block-wise. Below 2³¹ bytes of ids, the most one file read takes in Node.
 */
const MAX_SEGMENT_VOXELS = 500_000_000;

const NO_CONTEXT: CallContext = { signal: new AbortController().signal, progress: () => undefined };

/** A project's id: stable for its folder, so reopening in another window finds the same one. */
function projectId(dir: string): string {
  return createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
}

function checkedDir(dir: unknown): string {
  if (typeof dir !== 'string' || dir.trim() === '') throw new CallError('BAD_ARGUMENT', 'No folder given.', { hint: 'Type the path of the project folder.' });
  return path.resolve(dir.trim());
}

function checkSlice(project: Project, z: unknown): asserts z is number {
  const depth = project.volume.depth;
  if (!Number.isInteger(z) || (z as number) < 0 || (z as number) >= depth) {
    throw new CallError('BAD_ARGUMENT', `Slice ${String(z)} is outside the project's stack (0–${depth - 1}).`, { hint: 'Pick a slice inside the stack.' });
  }
}
