import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshExportError } from './MeshExportError.js';
import { writeFolderAtomic } from './writeFolderAtomic.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'membrana-write-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);

async function rejection(promise: Promise<unknown>): Promise<MeshExportError> {
  const error = await promise.then(
    () => new Error('expected the write to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MeshExportError);
  return error as MeshExportError;
}

describe('writeFolderAtomic', () => {
  it('makes a new folder with nested files and leaves no temporary folder', async () => {
    const folder = path.join(tmp, 'new');
    const written = await writeFolderAtomic(folder, new Map([['a.txt', bytes('a')], ['mesh/1:0', bytes('b')]]));
    expect(written).toEqual([path.join(folder, 'a.txt'), path.join(folder, 'mesh', '1:0')]);
    expect(await readFile(path.join(folder, 'mesh', '1:0'), 'utf8')).toBe('b');
    expect((await readdir(tmp)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('merges files into an existing folder, replacing same-named ones and keeping the others', async () => {
    const folder = path.join(tmp, 'existing');
    await mkdir(folder);
    await writeFile(path.join(folder, 'keep.txt'), 'keep');
    await writeFile(path.join(folder, 'neuron-1.obj'), 'old');
    await writeFolderAtomic(folder, new Map([['neuron-1.obj', bytes('new')]]));
    expect((await readdir(folder)).sort()).toEqual(['keep.txt', 'neuron-1.obj']);
    expect(await readFile(path.join(folder, 'neuron-1.obj'), 'utf8')).toBe('new');
  });

  it('in whole mode takes an empty folder but refuses one with files, writing nothing', async () => {
    const empty = path.join(tmp, 'empty');
    await mkdir(empty);
    await writeFolderAtomic(empty, new Map([['info', bytes('{}')]]), { mode: 'whole' });
    expect(await readdir(empty)).toEqual(['info']);
    const error = await rejection(writeFolderAtomic(empty, new Map([['other', bytes('x')]]), { mode: 'whole' }));
    expect(error.code).toBe('FOLDER_NOT_EMPTY');
    expect(error.message).toContain(empty);
    expect(await readdir(empty)).toEqual(['info']);
  });

  it('leaves nothing behind when a write fails half way', async () => {
    const folder = path.join(tmp, 'failing');
    // 'a' as a file, then 'a/b' needs 'a' to be a folder: the second write fails.
    const error = await rejection(writeFolderAtomic(folder, new Map([['a', bytes('1')], ['a/b', bytes('2')]])));
    expect(error.code).toBe('WRITE_FAILED');
    expect(error.hint).toMatch(/space/);
    expect((await readdir(tmp)).filter((name) => name.includes('failing'))).toEqual([]);
  });

  it('names a missing parent folder and an output that is a file', async () => {
    expect((await rejection(writeFolderAtomic(path.join(tmp, 'no', 'such'), new Map()))).code).toBe('NO_FOLDER');
    const file = path.join(tmp, 'file.txt');
    await writeFile(file, 'x');
    const error = await rejection(writeFolderAtomic(file, new Map([['a', bytes('1')]])));
    expect(error.code).toBe('NOT_A_FOLDER');
    expect(error.message).toContain(file);
  });

  it('refuses file names that would leave the folder', async () => {
    await expect(writeFolderAtomic(path.join(tmp, 'escape'), new Map([['../x', bytes('1')]]))).rejects.toThrow(/relative paths inside the folder, not "..\/x"/);
  });
});
