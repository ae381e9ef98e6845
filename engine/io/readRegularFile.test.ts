import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VolumeReadError } from './VolumeReadError.js';
import { readVolume } from './readVolume.js';

describe('readVolume refuses what is not a regular file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-special-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function refusal(file: string): Promise<VolumeReadError> {
    const error = await readVolume(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VolumeReadError);
    expect((error as VolumeReadError).message).toContain(file);
    return error as VolumeReadError;
  }

  it('names a link to /dev/zero as a character device instead of reading forever', async () => {
    const file = path.join(dir, 'zero.tif');
    await symlink('/dev/zero', file);
    const error = await refusal(file);
    expect(error.code).toBe('NOT_A_FILE');
    expect(error.message).toBe(`${file} is a character device, not a regular file; Membrana reads data only from regular files.`);
  });

  it('refuses a named pipe nobody writes to at once (no hang)', async () => {
    const file = path.join(dir, 'pipe.tif');
    execFileSync('mkfifo', [file]);
    expect((await refusal(file)).message).toMatch(/is a named pipe/);
  });

  it('refuses a slice in a folder that links to a device, naming the slice', async () => {
    const folder = path.join(dir, 'slices');
    execFileSync('mkdir', [folder]);
    await writeFile(path.join(folder, 'a.png'), new Uint8Array(0));
    const slice = path.join(folder, 'b.png');
    await symlink('/dev/urandom', slice);
    const error = await refusal(folder);
    expect(error.code).toBe('NOT_A_FILE');
    expect(error.file).toBe(slice);
  });

  it('refuses a link to itself', async () => {
    const file = path.join(dir, 'loop.tif');
    await symlink(file, file);
    expect((await refusal(file)).code).toBe('NOT_A_FILE');
  });
});
