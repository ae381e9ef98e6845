import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VoxelType } from '../../protocol/contract.js';
import { allocateVoxels } from '../io/Volume.js';
import { readTiff } from '../io/readTiff.js';
import { buildTiff, grayPageEntries, sampleBytes } from '../io/testing/buildTiff.js';
import { writeTiff } from '../io/writeTiff.js';
import { openTiffPages } from './tiffPages.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-tiffpages-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Reads every page with openTiffPages and checks them against readTiff of the whole file. */
async function expectSameAsReadTiff(bytes: Uint8Array, name: string): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const whole = readTiff(bytes, file);
  const pages = await openTiffPages(file);
  try {
    expect([pages.width, pages.height, pages.depth, pages.dtype]).toEqual([whole.width, whole.height, whole.depth, whole.dtype]);
    expect(pages.voxelSize).toEqual(whole.voxelSize);
    const pixels = whole.width * whole.height;
    const out = allocateVoxels(pages.dtype, pixels);
    for (let z = 0; z < pages.depth; z++) {
      await pages.readPage(z, out);
      expect(Buffer.from(out.buffer).equals(Buffer.from(whole.data.buffer, whole.data.byteOffset + z * pixels * out.BYTES_PER_ELEMENT, pixels * out.BYTES_PER_ELEMENT))).toBe(true);
    }
  } finally {
    await pages.close();
  }
}

function volume(dtype: VoxelType, width: number, height: number, depth: number) {
  const data = allocateVoxels(dtype, width * height * depth);
  for (let i = 0; i < data.length; i++) data[i] = dtype === 'float32' ? Math.sin(i) * 100 : (i * 7919 + (i >> 5)) % (dtype === 'uint8' ? 256 : 65536);
  return { width, height, depth, dtype, data, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } };
}

describe('openTiffPages', () => {
  for (const dtype of ['uint8', 'uint16', 'float32'] as VoxelType[]) {
    for (const compression of ['none', 'lzw', 'deflate'] as const) {
      it(`reads ${dtype} ${compression} pages like readTiff`, async () => {
        await expectSameAsReadTiff(writeTiff(volume(dtype, 37, 300, 4), { compression, predictor: compression !== 'none' }), `${dtype}-${compression}.tif`);
      });
    }
  }

  it('reads big-endian tiled BigTIFF pages like readTiff', async () => {
    const tile = (seed: number) => sampleBytes(Array.from({ length: 16 * 16 }, (_, i) => (i * 31 + seed) % 65536), 'u16', false);
    const page = (seed: number) => ({
      entries: grayPageEntries(20, 18, 16, [
        { tag: 322, type: 3, values: [16] },
        { tag: 323, type: 3, values: [16] },
      ]).filter((e) => e.tag !== 278),
      chunks: [tile(seed), tile(seed + 1), tile(seed + 2), tile(seed + 3)],
      tiled: true,
    });
    await expectSameAsReadTiff(buildTiff([page(0), page(9), page(99)], { littleEndian: false, bigTiff: true }), 'big.tif');
  });

  const isbi = path.resolve('../shared/data/isbi2012/train-volume.tif');
  it.skipIf(!existsSync(isbi))('reads the ISBI 2012 training volume like readTiff', async () => {
    const { readFile } = await import('node:fs/promises');
    await expectSameAsReadTiff(new Uint8Array(await readFile(isbi)), 'isbi.tif');
  });

  it('names the file and page when the file is cut short', async () => {
    const bytes = writeTiff(volume('uint8', 64, 64, 3));
    const file = path.join(dir, 'cut.tif');
    // writeTiff puts each page's IFD after its strips: cutting inside page 2 loses that IFD.
    await writeFile(file, bytes.subarray(0, 64 * 64 * 2 + 8 + 100));
    await expect(openTiffPages(file)).rejects.toMatchObject({ code: 'TRUNCATED', message: expect.stringMatching(/cut\.tif is truncated \(page 2\)/) });
  });

  it('names the file and page when a strip lies past the end', async () => {
    const page = (byteCounts?: number[]) => ({ entries: grayPageEntries(8, 8, 8), chunks: [new Uint8Array(64).fill(3)], ...(byteCounts ? { byteCounts } : {}) });
    const file = path.join(dir, 'short.tif');
    await writeFile(file, buildTiff([page(), page([10_000_000])]));
    const pages = await openTiffPages(file);
    await pages.readPage(0, new Uint8Array(64));
    await expect(pages.readPage(1, new Uint8Array(64))).rejects.toMatchObject({ code: 'TRUNCATED', message: expect.stringMatching(/short\.tif is truncated \(page 2\): strip 1/) });
    await pages.close();
  });

  it('names the file when it is not a TIFF', async () => {
    const file = path.join(dir, 'not.tif');
    await writeFile(file, 'hello, not a tiff');
    await expect(openTiffPages(file)).rejects.toMatchObject({ message: expect.stringContaining('not.tif') });
  });
});
