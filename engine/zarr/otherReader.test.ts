import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fromNgffZarr } from '@fideus-labs/ngff-zarr';
import * as ourZarrita from 'zarrita';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTiff } from '../io/writeTiff.js';
import { isbiProbability, writeProbabilityStore } from '../blocks/testing/isbiProbabilityStore.js';
import { segmentOmeZarr } from '../blocks/segmentOmeZarr.js';
import { ChunkedPredictions } from '../project/predictionStores.js';
import { buildPyramid } from './buildPyramid.js';
import { importToOmeZarr } from './importToOmeZarr.js';
import { createOmeZarr, openOmeZarr } from './omeZarr.js';
import { fullRegion, readRegion, writeRegion } from './readRegion.js';

// Every kind of OME-Zarr Membrana writes, opened by an independent NGFF reader
// (@fideus-labs/ngff-zarr, the TypeScript ngff-zarr, with its metadata validation on): it must
// find the same scales, axes and units, and read the same voxels at every scale.

/** The reader's own zarrita (it pins an older one than Membrana's), to read its arrays with. */
async function readersZarrita(): Promise<typeof ourZarrita> {
  const nested = path.join(path.dirname(fileURLToPath(import.meta.resolve('@fideus-labs/ngff-zarr'))), '..', 'node_modules', 'zarrita', 'dist', 'src', 'index.js');
  return existsSync(nested) ? ((await import(pathToFileURL(nested).href)) as typeof ourZarrita) : ourZarrita;
}

let root: string;
let theirZarrita: typeof ourZarrita;
beforeAll(async () => {
  theirZarrita = await readersZarrita();
  root = await mkdtemp(path.join(os.tmpdir(), 'membrana-other-reader-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Opens `dir` with the other reader and checks it against Membrana's own reading, scale by scale. */
async function expectOtherReaderAgrees(dir: string): Promise<void> {
  const ours = await openOmeZarr(dir);
  const theirs = await fromNgffZarr(dir, { validate: true });
  expect(theirs.images).toHaveLength(ours.levels.length);
  for (const [k, level] of ours.levels.entries()) {
    const image = theirs.images[k]!;
    expect(image.dims).toEqual(['z', 'y', 'x']);
    expect([image.scale.z, image.scale.y, image.scale.x]).toEqual(level.scale);
    // Read with the reader's own zarrita (its version, not Membrana's).
    expect(image.data.shape).toEqual(level.shape);
    const got = await theirZarrita.get(image.data as unknown as ourZarrita.Array<ourZarrita.DataType, ourZarrita.Readable>, null);
    const expected = await readRegion(level, fullRegion(level));
    expect(Array.from(got.data as ArrayLike<number>)).toEqual(Array.from(expected));
  }
}

describe('an independent NGFF reader', () => {
  for (const version of [2, 3] as const) {
    for (const label of [false, true]) {
      it(`reads a ${label ? 'label' : 'multiscale'} image Membrana wrote as NGFF ${version === 2 ? '0.4 (Zarr v2)' : '0.5 (Zarr v3)'}`, async () => {
        const dir = path.join(root, `made-v${version}${label ? '-labels' : ''}.ome.zarr`);
        const image = await createOmeZarr(dir, { shape: [3, 300, 520], dtype: label ? 'uint32' : 'uint16', chunks: [2, 128, 128], version, label, voxelSize: { x: 4, y: 4, z: 50, unit: 'nanometer' } });
        const data = label ? Uint32Array.from({ length: 3 * 300 * 520 }, (_, i) => 1 + ((i >> 9) % 97)) : Uint16Array.from({ length: 3 * 300 * 520 }, (_, i) => (i * 2654435761) >>> 20);
        await writeRegion(image.levels[0]!, fullRegion(image.levels[0]!), data);
        await buildPyramid(image);
        await expectOtherReaderAgrees(dir);
        const theirs = await fromNgffZarr(dir, { validate: true });
        expect(theirs.metadata.axes.map((axis) => axis.unit)).toEqual(['nanometer', 'nanometer', 'nanometer']);
      });
    }
  }

  it('reads what `membrana import` wrote from a TIFF stack', async () => {
    const tiff = path.join(root, 'stack.tif');
    const [width, height, depth] = [200, 150, 3];
    const data = Uint8Array.from({ length: width * height * depth }, (_, i) => (i * 7) & 0xff);
    await writeFile(tiff, writeTiff({ width, height, depth, dtype: 'uint8', data, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } }));
    const dir = path.join(root, 'imported.ome.zarr');
    await importToOmeZarr(tiff, dir, { version: 2, chunks: [1, 64, 64] });
    await expectOtherReaderAgrees(dir);
  });

  it('reads a project’s chunked predictions and a block-wise segmentation', async () => {
    const predictions = new ChunkedPredictions(path.join(root, 'project'), { width: 300, height: 200, depth: 2 }, () => ({ x: 4, y: 4, z: 50, unit: 'nanometer' }));
    await predictions.save('v1', 1, Uint8Array.from({ length: 300 * 200 }, (_, i) => i & 0xff));
    await expectOtherReaderAgrees(predictions.storeDir('v1'));

    const probability = path.join(root, 'prob.ome.zarr');
    await writeProbabilityStore(probability, isbiProbability(128, 4), [4, 128, 128]);
    const segmentation = path.join(root, 'seg.ome.zarr');
    await segmentOmeZarr({ input: probability, output: segmentation, block: [4, 64, 64], halo: 32 });
    await expectOtherReaderAgrees(segmentation);
  }, 30_000);
});
