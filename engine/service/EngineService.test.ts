import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../protocol/contract.js';
import { EngineService } from './EngineService.js';
import { writeTiff } from '../io/writeTiff.js';

const context: CallContext = { signal: new AbortController().signal, progress: () => undefined };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-service-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('EngineService', () => {
  const service = new EngineService({ host: 'test', startupPath: '/data/x.tif' });
  const { handlers } = service;

  it('says hello with the version, the startup path and where new projects go', async () => {
    expect(await handlers.hello({}, context)).toMatchObject({ host: 'test', startupPath: '/data/x.tif', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const withHome = new EngineService({ host: 'test', configDir: path.join(tmp, 'home') });
    expect((await withHome.handlers.hello({}, context)).projectsDir).toBe(path.join(tmp, 'home', 'projects'));
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

describe('EngineService.openLabels', () => {
  const service = new EngineService({ host: 'test' });
  const { handlers } = service;

  it('opens a label image inside an OME-Zarr image by name, or a segmentation by its folder, read tile by tile', async () => {
    const { createOmeZarr } = await import('../zarr/omeZarr.js');
    const { createLabelImage } = await import('../zarr/labelImage.js');
    const { fullRegion, writeRegion } = await import('../zarr/readRegion.js');
    const dir = path.join(tmp, 'with-labels.ome.zarr');
    const image = await createOmeZarr(dir, { shape: [2, 300, 400], dtype: 'uint8', version: 2, levels: 1 });
    const labels = await createLabelImage(image, 'neurons');
    await writeRegion(labels.levels[0]!, fullRegion(labels.levels[0]!), Uint32Array.from({ length: 2 * 300 * 400 }, (_, i) => 1 + (i % 400 > 200 ? 1 : 0)));
    const volume = await handlers.openPath({ path: dir }, context);
    expect(volume).toMatchObject({ kind: 'tiled', content: 'image', labels: ['neurons'] });
    const byName = await handlers.openLabels({ volumeId: volume.id, path: 'neurons' }, context);
    expect(byName).toMatchObject({ kind: 'tiled', content: 'labels', dtype: 'uint32', width: 400, height: 300, depth: 2, tileSize: 256 });
    const tile = await handlers.getTile({ volumeId: byName.id, level: 0, z: 1, tx: 0, ty: 0 }, context);
    expect(new Uint32Array(tile.data)[0]).toBe(1);
    expect(new Uint32Array(tile.data)[255]).toBe(2);
    const byFolder = await handlers.openLabels({ volumeId: volume.id, path: path.join(dir, 'labels', 'neurons') }, context);
    expect(byFolder.content).toBe('labels');
    await handlers.closeVolume({ volumeId: byFolder.id }, context);
    await expect(handlers.getTile({ volumeId: byFolder.id, level: 0, z: 0, tx: 0, ty: 0 }, context)).rejects.toMatchObject({ code: 'NO_SUCH_VOLUME' });
  });

  it('refuses labels of another size, a float image, a folder that is not OME-Zarr, and an unknown volume, naming what and why', async () => {
    const { createOmeZarr } = await import('../zarr/omeZarr.js');
    const sample = await handlers.openSample({}, context);
    const other = path.join(tmp, 'other-size.ome.zarr');
    await createOmeZarr(other, { shape: [16, 384, 380], dtype: 'uint32', version: 2, levels: 1, label: true });
    await expect(handlers.openLabels({ volumeId: sample.id, path: other }, context)).rejects.toMatchObject({ code: 'SIZE_MISMATCH', message: expect.stringContaining('380 × 384 × 16') });
    const floats = path.join(tmp, 'floats.ome.zarr');
    await createOmeZarr(floats, { shape: [16, 384, 384], dtype: 'float32', version: 2, levels: 1 });
    await expect(handlers.openLabels({ volumeId: sample.id, path: floats }, context)).rejects.toMatchObject({ code: 'NOT_LABELS', message: expect.stringContaining(floats) });
    await expect(handlers.openLabels({ volumeId: sample.id, path: tmp }, context)).rejects.toMatchObject({ code: 'NOT_OME_ZARR' });
    await expect(handlers.openLabels({ volumeId: 'nope', path: other }, context)).rejects.toMatchObject({ code: 'NO_SUCH_VOLUME' });
    // The sample (in memory) takes same-size labels.
    const same = path.join(tmp, 'same-size.ome.zarr');
    await createOmeZarr(same, { shape: [16, 384, 384], dtype: 'uint32', version: 3, levels: 2, label: true });
    expect(await handlers.openLabels({ volumeId: sample.id, path: same }, context)).toMatchObject({ content: 'labels', levels: [expect.anything(), expect.anything()] });
  });
});

describe('a damaged OME-Zarr chunk', () => {
  const service = new EngineService({ host: 'test' });
  const { handlers } = service;

  it('still opens the volume; the tiles over it fail naming the array and the chunk, the others load', async () => {
    const { createOmeZarr } = await import('../zarr/omeZarr.js');
    const { fullRegion, readRegion, writeRegion } = await import('../zarr/readRegion.js');
    const { readFileSync } = await import('node:fs');
    const dir = path.join(tmp, 'damaged.ome.zarr');
    const image = await createOmeZarr(dir, { shape: [3, 300, 300], dtype: 'uint8', chunks: [1, 256, 256], version: 2, levels: 1 });
    await writeRegion(image.levels[0]!, fullRegion(image.levels[0]!), Uint8Array.from({ length: 3 * 300 * 300 }, (_, i) => i * 13));
    // Slice 1's first chunk cut short, as a copy that stopped halfway leaves it.
    const chunk = path.join(dir, '0', '1', '0', '0');
    writeFileSync(chunk, readFileSync(chunk).subarray(0, 20));
    const volume = await handlers.openPath({ path: dir }, context);
    expect(volume.depth).toBe(3);
    const level = path.join(dir, '0');
    await expect(handlers.getTile({ volumeId: volume.id, level: 0, z: 1, tx: 0, ty: 0 }, context)).rejects.toMatchObject({
      code: 'CORRUPT_CHUNK',
      message: expect.stringContaining(`${level}: chunk (z, y, x) (1, 0, 0) cannot be read`),
      hint: expect.stringContaining('copy the dataset again'),
    });
    expect((await handlers.getTile({ volumeId: volume.id, level: 0, z: 1, tx: 1, ty: 0 }, context)).width).toBe(44);
    expect((await handlers.getTile({ volumeId: volume.id, level: 0, z: 0, tx: 0, ty: 0 }, context)).width).toBe(256);
    await expect(readRegion(image.levels[0]!, { z: [1, 2], y: [0, 10], x: [0, 10] })).rejects.toMatchObject({ code: 'CORRUPT_CHUNK', message: expect.stringContaining(level) });
  });
});

