import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOmeZarr, openOmeZarr } from './omeZarr.js';
import { openLabelImage } from './labelImage.js';
import { readRegion, writeRegion } from './readRegion.js';
import { openArrayNode, writeArrayNode, writeGroupNode } from './zarrNodes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-zarr-errors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openOmeZarr errors', () => {
  it('names a folder that holds no Zarr metadata', async () => {
    await mkdir(path.join(dir, 'plain'));
    await expect(openOmeZarr(path.join(dir, 'plain'))).rejects.toMatchObject({ code: 'NOT_OME_ZARR', file: path.join(dir, 'plain'), hint: expect.any(String) });
    await expect(openOmeZarr(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'NOT_OME_ZARR' });
  });

  it('says when a Zarr group has no multiscales, naming its metadata file', async () => {
    await writeGroupNode(path.join(dir, 'g3'), 3, { something: 1 });
    await expect(openOmeZarr(path.join(dir, 'g3'))).rejects.toMatchObject({ code: 'NOT_OME_ZARR', file: path.join(dir, 'g3', 'zarr.json'), message: expect.stringContaining('multiscales') });
    await writeGroupNode(path.join(dir, 'g2'), 2, {});
    await expect(openOmeZarr(path.join(dir, 'g2'))).rejects.toMatchObject({ code: 'NOT_OME_ZARR', file: path.join(dir, 'g2', '.zattrs') });
  });

  it('refuses an array folder, pointing one level up', async () => {
    const image = await createOmeZarr(path.join(dir, 'i.zarr'), { shape: [1, 4, 4], dtype: 'uint8' });
    await expect(openOmeZarr(image.levels[0]!.file)).rejects.toMatchObject({ code: 'NOT_OME_ZARR', message: expect.stringContaining('not a group') });
  });

  it('reports broken NGFF metadata and unsupported axes', async () => {
    const out = path.join(dir, 'b.zarr');
    await createOmeZarr(out, { shape: [1, 4, 4], dtype: 'uint8', version: 2 });
    const attributes = JSON.parse(await readFile(path.join(out, '.zattrs'), 'utf8')) as { multiscales: { axes: { name: string; unit?: string }[] }[] };
    attributes.multiscales[0]!.axes[0]!.unit = 'furlong';
    await writeFile(path.join(out, '.zattrs'), JSON.stringify(attributes));
    await expect(openOmeZarr(out)).rejects.toMatchObject({ code: 'INVALID_METADATA', message: expect.stringContaining('furlong') });
    delete attributes.multiscales[0]!.axes[0]!.unit;
    attributes.multiscales[0]!.axes[0]!.name = 'q';
    await writeFile(path.join(out, '.zattrs'), JSON.stringify(attributes));
    await expect(openOmeZarr(out)).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('z, y, x') });
    await writeFile(path.join(out, '.zattrs'), '{ not json');
    await expect(openOmeZarr(out)).rejects.toMatchObject({ code: 'INVALID_METADATA', file: path.join(out, '.zattrs') });
  });

  it('reads uint64 label ids as uint32 when they fit, and refuses ids that do not', async () => {
    const image = await createOmeZarr(path.join(dir, 'img.zarr'), { shape: [1, 2, 2], dtype: 'uint8', levels: 1 });
    // Other tools write uint64 labels: lay one out by hand as they would.
    const labelDir = path.join(image.dir, 'labels', 'cells');
    await writeGroupNode(path.join(image.dir, 'labels'), 3, { ome: { version: '0.5', labels: ['cells'] } });
    await writeGroupNode(labelDir, 3, {
      ome: { version: '0.5', multiscales: [{ axes: ['z', 'y', 'x'].map((name) => ({ name, type: 'space' })), datasets: [{ path: '0', coordinateTransformations: [{ type: 'scale', scale: [1, 1, 1] }] }] }], 'image-label': {} },
    });
    await writeArrayNode(path.join(labelDir, '0'), 3, { shape: [1, 2, 2], chunks: [1, 2, 2], dtype: 'uint64', compression: 'gzip', dimensionNames: ['z', 'y', 'x'] });
    await openArrayNode(labelDir, '0', 3);
    const labels = await openLabelImage(image.dir, 'cells');
    expect(labels.dtype).toBe('uint32');
    expect((await openOmeZarr(image.dir)).labels).toEqual(['cells']);
    const level = labels.levels[0]!;
    await writeRegion(level, { z: [0, 1], y: [0, 2], x: [0, 2] }, new Uint32Array([1, 2, 4294967295, 0]));
    expect(Array.from(await readRegion(level, { z: [0, 1], y: [0, 2], x: [0, 2] }))).toEqual([1, 2, 4294967295, 0]);
    const { set, slice } = await import('zarrita');
    await set(level.array as never, [slice(0, 1), slice(0, 1), slice(0, 1)], 2n ** 40n as never);
    await expect(readRegion(level, { z: [0, 1], y: [0, 2], x: [0, 2] })).rejects.toMatchObject({ code: 'IDS_TOO_LARGE', message: expect.stringContaining('1099511627776') });
  });
});
