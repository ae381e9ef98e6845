import type { EngineInfo, FilePayload, MemoryVolumeInfo, Slice, VolumeInfo } from '../../../../protocol/contract.js';
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
}

/** An in-memory engine connection answering the contract, recording what was called. */
export function fakeConnection(
  options: FakeEngineOptions = {},
): EngineConnection & { calls: string[]; disconnect(reason: string): void } {
  const sample = testVolume();
  const volumes = new Map<string, VolumeInfo>([[sample.id, sample]]);
  const calls: string[] = [];
  const engine = {
    hello: async () => ({ version: '0.0.0-test', host: 'test' as const, startupPath: null, ...options.info }),
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
