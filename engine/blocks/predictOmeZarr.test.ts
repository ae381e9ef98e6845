import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fromNgffZarr } from '@fideus-labs/ngff-zarr';
import * as zarr from 'zarrita';
import { predictCommand } from '../cli/predictCommand.js';
import { buildUnet } from '../model/buildUnet.js';
import { DEFAULT_NORMALIZATION, saveModelFolder } from '../model/modelFolder.js';
import { AtomicFileStore } from '../zarr/AtomicFileStore.js';
import { isZarrStore } from './predictOmeZarr.js';
import { openOmeZarr } from '../zarr/omeZarr.js';
import { fullRegion, readRegion } from '../zarr/readRegion.js';
import { openOmeLevelZero } from './openOmeLevelZero.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-predict-zarr-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An NGFF 0.4 (Zarr v2) uint8 image, chunked 1 × 16 × 16. */
async function writeInput(folder: string, shape: number[]): Promise<void> {
  const root = zarr.root(new AtomicFileStore(folder, { durable: true }));
  await root.store.set('/.zgroup', new TextEncoder().encode('{"zarr_format": 2}'));
  await root.store.set('/.zattrs', new TextEncoder().encode(JSON.stringify({ multiscales: [{ version: '0.4', axes: [{ name: 'z' }, { name: 'y' }, { name: 'x' }], datasets: [{ path: '0' }] }] })));
  await root.store.set('/0/.zarray', new TextEncoder().encode(JSON.stringify({ zarr_format: 2, shape, chunks: [1, 16, 16], dtype: '|u1', compressor: null, fill_value: 0, order: 'C', filters: null, dimension_separator: '/' })));
  const array = await zarr.open.v2(root.resolve('0'), { kind: 'array' });
  const data = new Uint8Array(shape[0]! * shape[1]! * shape[2]!).map((_, i) => (i * 37 + (i >> 5) * 11) % 256);
  await zarr.set(array as zarr.Array<'uint8', AtomicFileStore>, null, { data, shape, stride: [shape[1]! * shape[2]!, shape[2]!, 1] });
}

async function cli(argv: string[]): Promise<{ blocks_done: number; blocks_skipped: number; pyramid: boolean; seconds: number }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    await predictCommand(argv);
    return JSON.parse(String(log.mock.calls.at(-1)?.[0])) as { blocks_done: number; blocks_skipped: number; pyramid: boolean; seconds: number };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('membrana predict on OME-Zarr', () => {
  it('predicts shares i/N into one store, skips finished blocks, and matches a single job', async () => {
    const input = path.join(tmp, 'in.ome.zarr');
    await writeInput(input, [2, 20, 40]);
    const model = path.join(tmp, 'model');
    const architecture = { kind: 'unet' as const, levels: 2, base: 4 };
    await saveModelFolder(model, buildUnet(architecture, 5), { format: 'membrana-membrane-model', version: 1, architecture, normalization: DEFAULT_NORMALIZATION, output: 'membrane-probability', tile: { size: 48, overlap: 8 } });
    expect(isZarrStore(input)).toBe(true);
    expect(isZarrStore(path.join(tmp, 'stack.tif'))).toBe(false);

    const shared = path.join(tmp, 'shared.ome.zarr');
    const first = await cli([input, '-o', shared, '--blocks', '0/2', '--model', model, '--workers', '1']);
    const second = await cli([input, '-o', shared, '--blocks', '1/2', '--model', model, '--workers', '1']);
    // 2 slices × 1 row × 1 column of blocks (the volume is smaller than a 512-pixel block).
    expect(first.blocks_done + second.blocks_done).toBe(2);
    expect(await cli([input, '-o', shared, '--model', model, '--workers', '1'])).toMatchObject({ blocks_done: 0, blocks_skipped: 2 });

    const single = path.join(tmp, 'single.ome.zarr');
    expect(await cli([input, '-o', single, '--model', model, '--workers', '1'])).toMatchObject({ blocks_done: 2, blocks_skipped: 0 });
    const read = async (store: string): Promise<Buffer> => Buffer.from((await zarr.get((await openOmeLevelZero(store)).array)).data as Uint8Array);
    expect((await read(shared)).equals(await read(single))).toBe(true);
    expect((await read(single)).some((v) => v > 0)).toBe(true);
  }, 60_000);

  it('builds the coarser levels (2×2 means) once the last share finishes, and they open like any OME-Zarr', async () => {
    // 1 × 40 × 1040: levels 1040 → 520 → 260 wide; blocks of 512 px in x make 3, two for share 0.
    const input = path.join(tmp, 'wide.ome.zarr');
    await writeInput(input, [1, 40, 1040]);
    const model = path.join(tmp, 'model');
    const output = path.join(tmp, 'wide-prob.ome.zarr');
    const first = await cli([input, '-o', output, '--blocks', '0/2', '--model', model, '--workers', '1']);
    expect(first).toMatchObject({ pyramid: false });
    const last = await cli([input, '-o', output, '--blocks', '1/2', '--model', model, '--workers', '1']);
    expect(last).toMatchObject({ pyramid: true });
    const image = await openOmeZarr(output);
    expect(image.levels.map((level) => level.shape)).toEqual([[1, 40, 1040], [1, 20, 520], [1, 10, 260]]);
    const fine = (await readRegion(image.levels[0]!, fullRegion(image.levels[0]!))) as Uint8Array;
    const coarse = (await readRegion(image.levels[1]!, fullRegion(image.levels[1]!))) as Uint8Array;
    expect(coarse[0]).toBe(Math.round((fine[0]! + fine[1]! + fine[1040]! + fine[1041]!) / 4));
    // An independent NGFF reader finds the three scales too.
    const theirs = await fromNgffZarr(output, { validate: true });
    expect(theirs.images.map((level) => [level.scale.y, level.scale.x])).toEqual([[1, 1], [2, 2], [4, 4]]);
  }, 60_000);

  it('rejects a bad share and --blocks on a TIFF', async () => {
    await expect(predictCommand([path.join(tmp, 'in.ome.zarr'), '-o', path.join(tmp, 'x.ome.zarr'), '--blocks', '2/2', '--workers', '1'])).rejects.toThrow(/i\/N/);
    await expect(predictCommand([path.join(tmp, 'stack.tif'), '-o', path.join(tmp, 'x.tif'), '--blocks', '0/2', '--workers', '1'])).rejects.toThrow(/needs an OME-Zarr/);
  });
});
