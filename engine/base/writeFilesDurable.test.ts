import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFilesDurable } from './writeFilesDurable.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-durable-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFilesDurable', () => {
  it('writes every file, making their folders, atomic or in place', async () => {
    for (const atomic of [false, true]) {
      const files = new Map([[path.join(dir, 'a', 'x.bin'), new Uint8Array([1, 2])], [path.join(dir, 'b', 'y.json'), '{}']] as [string, Uint8Array | string][]);
      await writeFilesDurable(files, { atomic });
      expect([...(await readFile(path.join(dir, 'a', 'x.bin')))]).toEqual([1, 2]);
      expect(await readFile(path.join(dir, 'b', 'y.json'), 'utf8')).toBe('{}');
      expect((await readdir(path.join(dir, 'a'))).sort()).toEqual(['x.bin']);
    }
  });

  it('stops at the first failure, after the writes in flight, and leaves no temp file', async () => {
    // A folder where the first file should go: its rename fails; the later files are not started.
    await mkdir(path.join(dir, 'first'));
    const files = new Map([[path.join(dir, 'first'), 'x'], [path.join(dir, 'second'), 'y']]);
    await expect(writeFilesDurable(files, { atomic: true, concurrency: 1 })).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|EPERM|ENOTEMPTY|EEXIST/) });
    expect(await readdir(dir)).toEqual(['first']);
  });
});
