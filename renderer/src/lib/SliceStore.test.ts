import { describe, expect, it } from 'vitest';
import type { CallOptions, Slice, VolumeInfo } from '../../../protocol/contract.js';
import { SliceCache } from './SliceCache.js';
import { SliceStore, type SliceSource } from './SliceStore.svelte.js';

const volume: VolumeInfo = {
  kind: 'memory',
  id: 'v1',
  name: 'stack.tif',
  source: '/data/stack.tif',
  format: 'TIFF',
  width: 2,
  height: 2,
  depth: 30,
  dtype: 'uint8',
  voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' },
  range: { min: 0, max: 255 },
  window: { low: 0, high: 255 },
};

interface Request {
  z: number;
  signal: AbortSignal | undefined;
  resolve(): void;
  reject(error: Error): void;
}

/** An engine whose getSlice answers only when the test says so, in any order. */
function fakeEngine(): SliceSource & { requests: Request[]; pending(z: number): Request } {
  const requests: Request[] = [];
  return {
    requests,
    pending(z) {
      const request = requests.find((r) => r.z === z);
      if (!request) throw new Error(`no request for z ${z}`);
      return request;
    },
    getSlice({ volumeId, z }, options?: CallOptions) {
      return new Promise<Slice>((resolve, reject) => {
        requests.push({
          z,
          signal: options?.signal,
          resolve: () => resolve({ volumeId, z, width: 2, height: 2, dtype: 'uint8', data: new Uint8Array([z, z, z, z]).buffer }),
          reject,
        });
      });
    },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('SliceStore', () => {
  it('loads slice 0 of a new volume and prefetches its neighbour', async () => {
    const engine = fakeEngine();
    const store = new SliceStore(engine);
    store.setVolume(volume);
    expect(store.loading).toBe(true);
    engine.pending(0).resolve();
    await settle();
    expect(store.slice?.z).toBe(0);
    expect(store.loading).toBe(false);
    expect(engine.requests.map((r) => r.z)).toEqual([0, 1]);
  });

  it('ignores a response for a z that is no longer current', async () => {
    const engine = fakeEngine();
    const store = new SliceStore(engine);
    store.setVolume(volume);
    engine.pending(0).resolve();
    await settle();
    store.setZ(5);
    store.setZ(6);
    // 6 arrives first, then the stale 5: the view must stay on 6.
    engine.pending(6).resolve();
    await settle();
    expect(store.slice?.z).toBe(6);
    engine.pending(5).resolve();
    await settle();
    expect(store.slice?.z).toBe(6);
    expect(store.z).toBe(6);
  });

  it('keeps the old slice on screen until the new one arrives', async () => {
    const engine = fakeEngine();
    const store = new SliceStore(engine);
    store.setVolume(volume);
    engine.pending(0).resolve();
    await settle();
    store.setZ(10);
    expect(store.slice?.z).toBe(0);
    expect(store.loading).toBe(true);
  });

  it('cancels fetches that fall out of the current neighbourhood', async () => {
    const engine = fakeEngine();
    const store = new SliceStore(engine);
    store.setVolume(volume);
    engine.pending(0).resolve();
    await settle();
    store.setZ(10);
    store.setZ(11);
    store.setZ(20);
    expect(engine.pending(10).signal?.aborted).toBe(true);
    expect(engine.pending(11).signal?.aborted).toBe(true);
    expect(engine.pending(20).signal?.aborted).toBe(false);
  });

  it('serves cached slices without asking the engine again', async () => {
    const engine = fakeEngine();
    const store = new SliceStore(engine);
    store.setVolume(volume);
    engine.pending(0).resolve();
    await settle();
    engine.pending(1).resolve();
    await settle();
    const asked = engine.requests.length;
    store.setZ(1);
    expect(store.slice?.z).toBe(1);
    expect(store.loading).toBe(false);
    store.setZ(0);
    expect(store.slice?.z).toBe(0);
    expect(engine.requests.filter((r) => r.z === 0 || r.z === 1)).toHaveLength(2);
    expect(engine.requests.length).toBeGreaterThanOrEqual(asked);
  });

  it('clamps z to the volume', async () => {
    const store = new SliceStore(fakeEngine());
    store.setVolume(volume);
    store.setZ(99);
    expect(store.z).toBe(29);
    store.setZ(-3);
    expect(store.z).toBe(0);
  });

  it('reports a failed load of the current slice, not of a stale one', async () => {
    const engine = fakeEngine();
    const store = new SliceStore(engine);
    store.setVolume(volume);
    engine.pending(0).resolve();
    await settle();
    store.setZ(3);
    store.setZ(4);
    engine.pending(3).reject(new Error('stale failure'));
    await settle();
    expect(store.error).toBeNull();
    engine.pending(4).reject(new Error('disk on fire'));
    await settle();
    expect(store.error).toMatch(/Slice 4 of stack.tif could not be loaded: disk on fire/);
  });

  it('drops responses for a volume that was replaced', async () => {
    const engine = fakeEngine();
    const store = new SliceStore(engine);
    store.setVolume(volume);
    store.setVolume({ ...volume, id: 'v2' });
    engine.requests[0]!.resolve(); // v1's slice 0
    await settle();
    expect(store.slice).toBeNull();
    expect(engine.requests[0]!.signal?.aborted).toBe(true);
  });
});

describe('SliceCache', () => {
  const slice = (z: number, bytes = 4): Slice => ({ volumeId: 'v', z, width: 1, height: 1, dtype: 'uint8', data: new ArrayBuffer(bytes) });

  it('evicts the least recently used slice', () => {
    const cache = new SliceCache(2);
    cache.put(slice(0));
    cache.put(slice(1));
    cache.get(0);
    cache.put(slice(2));
    expect(cache.has(0)).toBe(true);
    expect(cache.has(1)).toBe(false);
    expect(cache.has(2)).toBe(true);
  });

  it('stays within its byte budget but keeps the newest slice', () => {
    const cache = new SliceCache(8, 10);
    cache.put(slice(0, 6));
    cache.put(slice(1, 6));
    expect(cache.size).toBe(1);
    expect(cache.has(1)).toBe(true);
    cache.put(slice(2, 100));
    expect(cache.size).toBe(1);
    expect(cache.has(2)).toBe(true);
  });
});
