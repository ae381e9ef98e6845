import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeTiff } from '../io/writeTiff.js';
import { openOmeZarr } from '../zarr/omeZarr.js';
import { UsageError } from './CliError.js';
import { importCommand } from './importCommand.js';

describe('membrana import', () => {
  let dir: string;
  let stack: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'membrana-import-cli-'));
    stack = path.join(dir, 'stack.tif');
    const data = Uint16Array.from({ length: 40 * 30 * 3 }, (_, i) => i);
    writeFileSync(stack, writeTiff({ width: 40, height: 30, depth: 3, dtype: 'uint16', data, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } }, { compression: 'lzw' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  it('writes an OME-Zarr folder and prints one JSON line', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const output = path.join(dir, 'out.ome.zarr');
    await importCommand([stack, '-o', output, '--zarr-version', '2', '--chunks', '2,16,16', '--levels', '2']);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ output, zarrVersion: 2, shape: [3, 30, 40], dtype: 'uint16', levels: 2, chunks: [2, 16, 16] });
    const image = await openOmeZarr(output);
    expect(image.version).toBe(2);
    expect(image.voxelSize).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
  });

  it('explains bad options', async () => {
    await expect(importCommand([stack])).rejects.toBeInstanceOf(UsageError);
    await expect(importCommand([stack, '-o', path.join(dir, 'x'), '--zarr-version', '4'])).rejects.toThrow(/--zarr-version must be 2 or 3/);
    await expect(importCommand([stack, '-o', path.join(dir, 'x'), '--chunks', '16,256'])).rejects.toThrow(/--chunks must be three/);
  });
});
