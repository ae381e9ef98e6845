import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { EngineEvents, EngineHandlers, EngineInfo, EventName, Slice, VolumeInfo } from '../protocol/contract.js';
import { intensityStats } from './io/intensityWindow.js';
import { readVolume, readVolumeFromFiles } from './io/readVolume.js';
import type { Volume } from './io/Volume.js';
import { findAppRoot, readAppVersion } from './appRoot.js';
import { CallError } from './CallError.js';
import { isOmeZarrFolder, LazyVolumes } from './LazyVolumes.js';
import { ProjectSessions, type ProjectHandlers } from './ProjectSessions.js';

export interface EngineServiceOptions {
  host: EngineInfo['host'];
  startupPath?: string | null;
  /** Folder holding `sample/`; found from the installed app when not given. */
  assetsDir?: string;
  /** Where the list of recent projects is kept; default: the user's config folder (MEMBRANA_HOME). */
  configDir?: string;
}

export { CallError };

/** Where a host hears the engine's events (for serveRpc): subscribe with a listener, call the result to stop. */
export type EngineEventSource = (listener: <E extends EventName>(event: E, payload: EngineEvents[E]) => void) => () => void;

/** Relative path of the built-in sample inside `assets/`. */
export const SAMPLE_PATH = path.join('sample', 'isbi2012-test-crop.tif');

/**
 * The engine's state and its implementation of the contract. Plain Node: it runs inside a
 * worker thread (serve mode), an Electron utility process, or directly in tests.
 */
export class EngineService {
  private readonly volumes = new Map<string, { volume: Volume; info: VolumeInfo }>();
  private readonly assetsDir: string;

  private readonly projects: ProjectSessions;
  private readonly lazy = new LazyVolumes();
  private readonly listeners = new Set<Parameters<EngineEventSource>[0]>();

  /** The engine's events (EngineEvents) for each connected UI: a host passes this to serveRpc. */
  readonly events: EngineEventSource = (listener) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  constructor(private readonly options: EngineServiceOptions) {
    this.assetsDir = options.assetsDir ?? path.join(findAppRoot(), 'assets');
    this.projects = new ProjectSessions({
      ...(options.configDir ? { configDir: options.configDir } : {}),
      addVolume: (volume, name) => this.add(volume, name),
      getVolume: (volumeId) => this.volumes.get(volumeId)?.volume,
      tiledFolder: (volumeId) => this.lazy.folder(volumeId),
      addTiledVolume: async (folder, name) => ({ ...(await this.lazy.openFolder(folder)), name }),
      closeVolume: (volumeId) => {
        this.volumes.delete(volumeId);
        this.lazy.close(volumeId);
      },
      emit: (event, payload) => {
        for (const listener of this.listeners) listener(event, payload);
      },
    });
    Object.assign(this.handlers, this.projects.handlers);
  }

  /** Closes open projects (their journals). */
  dispose(): Promise<void> {
    return this.projects.dispose();
  }

  // The project calls are filled in by the constructor (they need its options).
  readonly handlers: EngineHandlers = {
    ...({} as ProjectHandlers),
    hello: async () => ({
      version: readAppVersion(),
      host: this.options.host,
      startupPath: this.options.startupPath ?? null,
    }),
    openSample: async () => this.add(await readVolume(path.join(this.assetsDir, SAMPLE_PATH)), 'ISBI 2012 sample'),
    openPath: async ({ path: target }) => {
      if (typeof target !== 'string' || target.trim() === '') {
        throw new CallError('BAD_ARGUMENT', 'No path given to open.', 'Type the path of a TIFF file, a PNG image or a folder of PNG slices.');
      }
      const resolved = path.resolve(target.trim());
      // OME-Zarr is read lazily, tile by tile: it may be far larger than memory.
      if (isOmeZarrFolder(resolved)) return this.lazy.openFolder(resolved);
      return this.add(await readVolume(resolved));
    },
    openFiles: async ({ files }) => {
      if (!Array.isArray(files) || files.length === 0) {
        throw new CallError('BAD_ARGUMENT', 'No files were given to open.', 'Drop a TIFF stack, an image, or a folder of PNG slices.');
      }
      return this.add(readVolumeFromFiles(files.map((f) => ({ name: f.name, data: new Uint8Array(f.data) }))));
    },
    getSlice: async ({ volumeId, z }) => (this.lazy.has(volumeId) ? this.lazy.slice(volumeId, z) : this.slice(volumeId, z)),
    getTile: async ({ volumeId, level, z, tx, ty }, context) => this.lazy.tile(volumeId, level, z, tx, ty, context.signal),
    openLabels: async ({ volumeId, path: target }) => {
      const volume = this.volumes.get(volumeId)?.info ?? this.lazy.info(volumeId);
      if (!volume) throw new CallError('NO_SUCH_VOLUME', `Volume ${volumeId} is not open in the engine.`, 'Open the image volume first, then its labels.');
      if (typeof target !== 'string' || target.trim() === '') throw new CallError('BAD_ARGUMENT', 'No label image given.', 'Give the folder of a label OME-Zarr (a segmentation), or the name of one of the volume’s labels.');
      const name = target.trim();
      const folder = volume.labels?.includes(name) ? path.join(volume.source, 'labels', name) : path.resolve(name);
      if (!isOmeZarrFolder(folder)) {
        throw new CallError('NOT_OME_ZARR', `${folder} is not an OME-Zarr folder (it has no .zattrs or zarr.json).`, 'Choose the .ome.zarr folder a segmentation was written to (membrana segment … -o neurons.ome.zarr).', folder);
      }
      const labels = await this.lazy.openFolder(folder);
      if (labels.dtype === 'float32') {
        this.lazy.close(labels.id);
        throw new CallError('NOT_LABELS', `${folder} holds float32 voxels, not neuron ids.`, 'Open a label image of whole-number ids (uint8, uint16, uint32 or uint64).', folder);
      }
      if (labels.width !== volume.width || labels.height !== volume.height || labels.depth !== volume.depth) {
        this.lazy.close(labels.id);
        throw new CallError(
          'SIZE_MISMATCH',
          `${folder} is ${labels.width} × ${labels.height} × ${labels.depth}, but ${volume.name} is ${volume.width} × ${volume.height} × ${volume.depth}: labels must cover the volume voxel for voxel.`,
          'Open the segmentation that was made from this volume (or its prediction).',
          folder,
        );
      }
      return { ...labels, isLabels: true };
    },
    closeVolume: async ({ volumeId }) => {
      this.volumes.delete(volumeId);
      this.lazy.close(volumeId);
      return null;
    },
    backend: async () => {
      // Where predictions run (the status line names it); loaded on first use, so opening the app does not wait for it.
      const { inferenceProvider } = await import('./predict/inferenceProvider.js');
      const { name, description, skipped } = await inferenceProvider();
      return { choice: name, description, skipped };
    },
  };

  private add(volume: Volume, name = volume.name): VolumeInfo {
    const { range, window } = intensityStats(volume);
    const info: VolumeInfo = {
      id: randomUUID(),
      name,
      source: volume.source,
      format: volume.format,
      width: volume.width,
      height: volume.height,
      depth: volume.depth,
      dtype: volume.dtype,
      voxelSize: volume.voxelSize,
      range,
      window,
    };
    this.volumes.set(info.id, { volume, info });
    return info;
  }

  private slice(volumeId: string, z: number): Slice {
    const entry = this.volumes.get(volumeId);
    if (!entry) {
      throw new CallError('NO_SUCH_VOLUME', `Volume ${volumeId} is not open in the engine.`, 'Open the file again.');
    }
    const { volume } = entry;
    if (!Number.isInteger(z) || z < 0 || z >= volume.depth) {
      throw new CallError('BAD_ARGUMENT', `Slice ${String(z)} is outside ${volume.name} (0–${volume.depth - 1}).`, 'Pick a slice inside the stack.');
    }
    const n = volume.width * volume.height;
    // A copy, so transferring it never detaches the engine's own volume.
    const data = volume.data.slice(z * n, (z + 1) * n).buffer as ArrayBuffer;
    return { volumeId, z, width: volume.width, height: volume.height, dtype: volume.dtype, data };
  }
}
