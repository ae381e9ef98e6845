import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOmeZarr, openOmeZarr } from '../engine/zarr/omeZarr.js';
import { readRegion, writeRegion } from '../engine/zarr/readRegion.js';
import { ROOT } from './launchServe.js';

// Block-wise prediction killed for real (SIGKILL) mid-run and run again: the result must equal
// an uninterrupted run byte for byte, and the second run must skip the blocks already done.
const CLI = path.join(ROOT, 'build/engine/cli/membrana.js');
const SHAPE: [number, number, number] = [2, 1024, 1024];
let tmp: string;
let input: string;

function predict(output: string): ChildProcess {
  return spawn(process.execPath, [CLI, 'predict', input, '-o', output, '--workers', '2'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ChildProcess): Promise<{ code: number | null; stdout: string }> {
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.resume();
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout })));
}

const markers = (output: string): number => (existsSync(path.join(output, '.membrana-blocks')) ? readdirSync(path.join(output, '.membrana-blocks')).filter((f) => f.endsWith('.done')).length : 0);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-resume-'));
  input = path.join(tmp, 'input.ome.zarr');
  const image = await createOmeZarr(input, { shape: SHAPE, dtype: 'uint8', chunks: [1, 256, 256], voxelSize: { x: 4, y: 4, z: 50, unit: 'nanometer' }, version: 2, levels: 1 });
  const [depth, height, width] = SHAPE;
  const plane = new Uint8Array(height * width);
  for (let z = 0; z < depth; z++) {
    for (let i = 0; i < plane.length; i++) {
      const x = i % width;
      const y = Math.floor(i / width);
      plane[i] = (Math.hypot((x % 97) - 48, (y % 89) - 44) + z * 3) % 40 < 5 ? 40 : 180 + ((i * 2654435761) >>> 28);
    }
    await writeRegion(image.levels[0]!, { z: [z, z + 1], y: [0, height], x: [0, width] }, plane);
  }
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('block-wise prediction, killed and resumed', () => {
  it('equals an uninterrupted run byte for byte and skips the finished blocks', async () => {
    const whole = path.join(tmp, 'whole.ome.zarr');
    const first = await finish(predict(whole));
    expect(first.code).toBe(0);
    const total = markers(whole);
    expect(total).toBeGreaterThan(2);

    const resumed = path.join(tmp, 'resumed.ome.zarr');
    const child = predict(resumed);
    const exited = finish(child);
    // Kill it as a crash would, once some blocks (not all) are done.
    while (markers(resumed) < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGKILL');
    const killed = await exited;
    expect(killed.code).toBeNull();
    const doneBeforeKill = markers(resumed);
    expect(doneBeforeKill).toBeLessThan(total);

    const again = await finish(predict(resumed));
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout.trim().split('\n').pop()!) as { blocks_done: number; blocks_skipped: number };
    expect(summary.blocks_skipped).toBe(doneBeforeKill);
    expect(summary.blocks_done).toBe(total - doneBeforeKill);
    console.log(`Block-wise prediction of ${SHAPE.join(' × ')}: ${total} blocks; killed after ${doneBeforeKill}, the rerun skipped ${summary.blocks_skipped} and predicted ${summary.blocks_done}`);

    const [a, b] = await Promise.all([openOmeZarr(whole), openOmeZarr(resumed)]);
    const region = { z: [0, SHAPE[0]] as [number, number], y: [0, SHAPE[1]] as [number, number], x: [0, SHAPE[2]] as [number, number] };
    const [va, vb] = await Promise.all([readRegion(a.levels[0]!, region), readRegion(b.levels[0]!, region)]);
    expect(Buffer.compare(Buffer.from(va.buffer, va.byteOffset, va.byteLength), Buffer.from(vb.buffer, vb.byteOffset, vb.byteLength))).toBe(0);
  }, 240_000);
});
