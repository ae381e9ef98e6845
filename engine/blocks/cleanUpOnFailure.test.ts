import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpOnFailure } from './cleanUpOnFailure.js';

describe('cleanUpOnFailure', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-cleanup-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const fail = (store: string, doneBlocks: number) => async () => {
    await mkdir(path.join(store, '.membrana-blocks'), { recursive: true });
    await writeFile(path.join(store, '.membrana-blocks', 'settings.json'), '{}');
    for (let k = 0; k < doneBlocks; k++) await writeFile(path.join(store, '.membrana-blocks', `${k}.done`), '');
    throw new Error('chunk 3 is damaged');
  };

  it('removes a store it made when the run fails before any block is done, and passes the error on', async () => {
    const store = path.join(dir, 'new.ome.zarr');
    await expect(cleanUpOnFailure([store], fail(store, 0))).rejects.toThrow('chunk 3 is damaged');
    expect(existsSync(store)).toBe(false);
  });

  it('keeps a store whose first block was done, for the rerun to resume', async () => {
    const store = path.join(dir, 'started.ome.zarr');
    await expect(cleanUpOnFailure([store], fail(store, 1))).rejects.toThrow('chunk 3 is damaged');
    expect(existsSync(path.join(store, '.membrana-blocks', '0.done'))).toBe(true);
  });

  it('never touches an output that existed before the run', async () => {
    const store = path.join(dir, 'old.ome.zarr');
    await mkdir(store);
    await expect(cleanUpOnFailure([store], fail(store, 0))).rejects.toThrow('chunk 3 is damaged');
    expect(existsSync(path.join(store, '.membrana-blocks', 'settings.json'))).toBe(true);
  });

  it('returns what a successful run returns and leaves its output', async () => {
    const store = path.join(dir, 'ok.ome.zarr');
    expect(await cleanUpOnFailure([store], async () => (await mkdir(store), 7))).toBe(7);
    expect(existsSync(store)).toBe(true);
  });
});
