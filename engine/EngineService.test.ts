import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../protocol/contract.js';
import { EngineService } from './EngineService.js';
import { writeTiff } from './io/writeTiff.js';

const context: CallContext = { signal: new AbortController().signal, progress: () => undefined };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-service-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('EngineService', () => {
  const service = new EngineService({ host: 'test', startupPath: '/data/x.tif' });
  const { handlers } = service;

  it('says hello with the version and the startup path', async () => {
    expect(await handlers.hello({}, context)).toMatchObject({ host: 'test', startupPath: '/data/x.tif', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('opens the built-in sample with its physical voxel size', async () => {
    const info = await handlers.openSample({}, context);
    expect(info).toMatchObject({ width: 384, height: 384, depth: 16, dtype: 'uint8', voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } });
    expect(info.window).toEqual({ low: 0, high: 255 });
    const slice = await handlers.getSlice({ volumeId: info.id, z: 15 }, context);
    expect(slice.data.byteLength).toBe(384 * 384);
    expect(new Set(new Uint8Array(slice.data)).size).toBeGreaterThan(50);
  });

  it('hands out slice copies, so transferring one never detaches the volume', async () => {
    const data = new Uint16Array(4 * 3 * 2).map((_, i) => i * 100);
    const file = path.join(tmp, 'small16.tif');
    writeFileSync(file, writeTiff({ width: 4, height: 3, depth: 2, dtype: 'uint16', data }));
    const info = await handlers.openPath({ path: file }, context);
    const first = await handlers.getSlice({ volumeId: info.id, z: 1 }, context);
    structuredClone(first.data, { transfer: [first.data] });
    const again = await handlers.getSlice({ volumeId: info.id, z: 1 }, context);
    expect(Array.from(new Uint16Array(again.data))).toEqual(Array.from(data.subarray(12)));
  });

  it('opens dropped files', async () => {
    const bytes = writeTiff({ width: 2, height: 2, depth: 1, dtype: 'float32', data: new Float32Array([0, 0.5, 1, 2]) });
    const info = await handlers.openFiles({ files: [{ name: 'drop.tif', data: bytes.slice().buffer as ArrayBuffer }] }, context);
    expect(info).toMatchObject({ name: 'drop.tif', dtype: 'float32', range: { min: 0, max: 2 } });
  });

  it('rejects bad arguments with a code and a hint', async () => {
    await expect(handlers.openPath({ path: '  ' }, context)).rejects.toMatchObject({ code: 'BAD_ARGUMENT', hint: expect.any(String) });
    await expect(handlers.openFiles({ files: [] }, context)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(handlers.getSlice({ volumeId: 'nope', z: 0 }, context)).rejects.toMatchObject({ code: 'NO_SUCH_VOLUME' });
    const info = await handlers.openSample({}, context);
    await expect(handlers.getSlice({ volumeId: info.id, z: 16 }, context)).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringContaining('0–15') });
    await expect(handlers.openPath({ path: path.join(tmp, 'missing.tif') }, context)).rejects.toMatchObject({ code: 'ENOENT', file: expect.stringContaining('missing.tif') });
  });
});
