import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempPathFor, writeFileAtomic, writeJsonAtomic } from './atomicWrite.js';

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

  it('makes the folder when asked, durable or not, and names its temp file so readers can skip it', async () => {
    const chunk = path.join(dir, 'level', '0', '0.0.0');
    await writeFileAtomic(chunk, new Uint8Array([7, 8]), { createFolder: true, durable: false });
    expect([...(await readFile(chunk))]).toEqual([7, 8]);
    await writeFileAtomic(chunk, 'again', { createFolder: true });
    expect(await readFile(chunk, 'utf8')).toBe('again');
    expect(await readdir(path.dirname(chunk))).toEqual(['0.0.0']);
    expect(path.basename(tempPathFor(chunk))).toMatch(/^\.0\.0\.0\.\d+-\d+\.tmp$/);
  });

  it('leaves the old content and no temp file when the rename fails', async () => {
    const target = path.join(dir, 'a-folder');
    await mkdir(path.join(target, 'inside'), { recursive: true });
    await expect(writeFileAtomic(target, 'x', { durable: false })).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(await readdir(dir)).toEqual(['a-folder']);
    expect(await readdir(target)).toEqual(['inside']);
  });
});

