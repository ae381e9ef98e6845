import type { EngineInfo, FilePayload, MemoryVolumeInfo, ProjectInfo, RecentProject, Slice, VolumeInfo } from '../../../../protocol/contract.js';
import { EngineError } from '../../../../protocol/RpcClient.js';
import type { EngineConnection } from '../connectEngine.js';

/** A volume description for tests. */
export function testVolume(overrides: Partial<MemoryVolumeInfo> = {}): MemoryVolumeInfo {
  return {
    kind: 'memory',
    id: 'sample',
    name: 'isbi2012-crop.tif',
    source: 'built-in sample',
    format: 'TIFF (8-bit)',
    width: 4,
    height: 3,
    depth: 5,
    dtype: 'uint8',
    voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' },
    range: { min: 0, max: 255 },
    window: { low: 0, high: 255 },
    ...overrides,
  };
}

/** Slice z of a volume, with voxel value = 10 z + x. */
export function testSlice(volume: VolumeInfo, z: number): Slice {
  const data = new Uint8Array(volume.width * volume.height);
  for (let i = 0; i < data.length; i++) data[i] = 10 * z + (i % volume.width);
  return { volumeId: volume.id, z, width: volume.width, height: volume.height, dtype: 'uint8', data: data.buffer };
}

export interface FakeEngineOptions {
  info?: Partial<EngineInfo>;
  /** What openPath gives for each path; missing paths fail like a missing file does. */
  paths?: Record<string, VolumeInfo>;
  /** Project folders on the engine's disk: openProject opens them, newProject refuses them (PROJECT_EXISTS). */
  projects?: string[];
  /** The engine's list of recent projects (each missing unless its folder is in `projects`). */
  recent?: Omit<RecentProject, 'missing'>[];
}

/** An in-memory engine connection answering the contract, recording what was called. */
export function fakeConnection(
  options: FakeEngineOptions = {},
): EngineConnection & { calls: string[]; disconnect(reason: string): void } {
  const sample = testVolume();
  const volumes = new Map<string, VolumeInfo>([[sample.id, sample]]);
  const calls: string[] = [];
  const folders = new Set(options.projects ?? []);
  let recent = [...(options.recent ?? [])];
  const listRecent = (): RecentProject[] => recent.map((entry) => ({ ...entry, missing: !folders.has(entry.dir) }));
  const projectAt = (dir: string, name: string, volume: VolumeInfo): ProjectInfo => {
    recent = [{ dir, name, opened: new Date().toISOString() }, ...recent.filter((entry) => entry.dir !== dir)];
    const own = { ...volume, id: `project-volume ${dir}` };
    volumes.set(own.id, own);
    return { id: `project ${dir}`, dir, name, volume: own, activeModel: 'v1', models: [], predicted: [], labelledSlices: [], validationSlices: [], canUndo: false, canRedo: false };
  };
  const engine = {
    hello: async () => ({ version: '0.0.0-test', host: 'test' as const, startupPath: null, projectsDir: '/home/ann/.config/membrana/projects', ...options.info }),
    openSample: async () => {
      calls.push('openSample');
      return sample;
    },
    openPath: async ({ path }: { path: string }) => {
      calls.push(`openPath ${path}`);
      const volume = options.paths?.[path];
      if (!volume) {
        throw new EngineError({ code: 'ENOENT', message: `${path} does not exist.`, file: path, hint: 'Check the path and try again.' });
      }
      volumes.set(volume.id, volume);
      return volume;
    },
    openFiles: async ({ files }: { files: FilePayload[] }) => {
      calls.push(`openFiles ${files.map((f) => f.name).join(',')}`);
      const volume = testVolume({ id: 'dropped', name: files[0]?.name ?? '' });
      volumes.set(volume.id, volume);
      return volume;
    },
    getSlice: async ({ volumeId, z }: { volumeId: string; z: number }) => {
      const volume = volumes.get(volumeId);
      if (!volume) throw new EngineError({ code: 'NO_VOLUME', message: `No volume ${volumeId}.` });
      return testSlice(volume, z);
    },
    closeVolume: async ({ volumeId }: { volumeId: string }) => {
      calls.push(`closeVolume ${volumeId}`);
      return null;
    },
    newProject: async ({ volumeId, dir, name }: { volumeId: string; dir: string; name?: string }) => {
      calls.push(`newProject ${dir}`);
      if (folders.has(dir)) throw new EngineError({ code: 'PROJECT_EXISTS', message: `${dir} is not empty (it holds 5 items).`, file: dir, hint: 'Choose a new folder name.' });
      const volume = volumes.get(volumeId);
      if (!volume) throw new EngineError({ code: 'NO_SUCH_VOLUME', message: `Volume ${volumeId} is not open in the engine.` });
      folders.add(dir);
      // Without a name the fake names the project after its folder, so a test sees whether the dialog sent the name it showed.
      return projectAt(dir, name ?? dir.split('/').pop() ?? dir, volume);
    },
    openProject: async ({ dir }: { dir: string }) => {
      calls.push(`openProject ${dir}`);
      if (!folders.has(dir)) throw new EngineError({ code: 'NOT_A_PROJECT', message: `${dir} is not a Membrana project: it has no project.json.`, file: `${dir}/project.json` });
      return projectAt(dir, dir.split('/').pop() ?? dir, sample);
    },
    recentProjects: async () => listRecent(),
    forgetRecentProject: async ({ dir }: { dir: string }) => {
      calls.push(`forgetRecentProject ${dir}`);
      recent = recent.filter((entry) => entry.dir !== dir);
      return listRecent();
    },
    closeProject: async ({ projectId }: { projectId: string }) => {
      calls.push(`closeProject ${projectId}`);
      return null;
    },
    getOverlay: async ({ z }: { z: number }) => ({ z, width: sample.width, height: sample.height, prediction: null, labels: new Uint8Array(0) }),
    evaluate: async () => null,
    reviewQueue: async () => [],
    segmentation: async () => null,
    listSegments: async () => [],
    backend: async () => ({ choice: 'cpu', description: 'test backend', skipped: [] }),
    on: () => () => {},
    dispose: () => {},
  };
  const disconnectListeners = new Set<(reason: string) => void>();
  return {
    engine: engine as unknown as EngineConnection['engine'],
    host: 'browser',
    bridge: null,
    calls,
    onDisconnect: (listener) => {
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },
    disconnect: (reason) => {
      for (const listener of disconnectListeners) listener(reason);
    },
  };
}
