import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from './atomicWrite.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces a file and leaves no temp files, also with many writers at once', async () => {
    const file = path.join(dir, 'settings.json');
    await writeFile(file, 'old');
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeJsonAtomic(file, { writer: i })));
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveProperty('writer');
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('leaves the old file and no temp file when the folder is missing', async () => {
    await expect(writeFileAtomic(path.join(dir, 'missing', 'a.bin'), new Uint8Array([1]))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });
});
