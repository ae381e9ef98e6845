import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sliceStats } from '../model/normalizeSlice.js';
import { BlockLedger } from './BlockLedger.js';
import { measureSlices, sampleBoxes, SliceStatistics } from './SliceStatistics.js';
import type { VolumeSource } from './VolumeSource.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-slice-stats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A float volume (so sums are not exact and their order shows), counting its reads. */
function volume(shape: [number, number, number], chunk = 16): { source: VolumeSource; data: Float32Array; reads: () => number } {
  const [depth, height, width] = shape;
  const data = Float32Array.from({ length: depth * height * width }, (_, i) => 100 + 50 * Math.sin(i / 7.3) + ((i * 7919) % 97) / 3);
  let reads = 0;
  const source: VolumeSource = {
    shape,
    chunks: [1, chunk, chunk],
    async read(z, y, x) {
      reads++;
      const out = new Float32Array((z[1] - z[0]) * (y[1] - y[0]) * (x[1] - x[0]));
      let i = 0;
      for (let a = z[0]; a < z[1]; a++) for (let b = y[0]; b < y[1]; b++) for (let c = x[0]; c < x[1]; c++) out[i++] = data[(a * height + b) * width + c]!;
      return out;
    },
  };
  return { source, data, reads: () => reads };
}

describe('SliceStatistics', () => {
  it('measures a slice of few chunks whole, with the very bits normalizeSlice computes', async () => {
    const shape: [number, number, number] = [3, 40, 56];
    const { source, data } = volume(shape);
    const boxes = sampleBoxes(shape, [16, 16]);
    expect(boxes).toEqual([
      { y: [0, 16], x: [0, 56] },
      { y: [16, 32], x: [0, 56] },
      { y: [32, 40], x: [0, 56] },
    ]);
    const stats = await measureSlices(source, [1, 3], boxes);
    const plane = 40 * 56;
    expect(stats).toEqual([sliceStats(data.subarray(plane, 2 * plane)), sliceStats(data.subarray(2 * plane, 3 * plane))]);
  });

  it('samples at most 64 evenly spread chunks of a big slice, and estimates its statistics closely', async () => {
    const shape: [number, number, number] = [1, 400, 1600];
    const boxes = sampleBoxes(shape, [16, 16]);
    expect(boxes.length).toBeLessThanOrEqual(64);
    expect(boxes.length).toBeGreaterThan(48);
    const rows = new Set(boxes.map((b) => b.y[0])), columns = new Set(boxes.map((b) => b.x[0]));
    expect(rows.size).toBeGreaterThan(3);
    expect(Math.max(...columns) - Math.min(...columns)).toBeGreaterThan(1200);
    expect(boxes.every((b) => b.y[1] - b.y[0] === 16 && b.x[1] - b.x[0] === 16)).toBe(true);
    const { source, data } = volume(shape);
    const [sampled] = await measureSlices(source, [0, 1], boxes);
    const exact = sliceStats(data);
    expect(Math.abs(sampled!.mean - exact.mean)).toBeLessThan(0.02 * exact.std);
    expect(Math.abs(sampled!.std / exact.std - 1)).toBeLessThan(0.05);
  });

  it('measures a slab once, caches it durably, and gives the same numbers and bytes from the cache', async () => {
    const shape: [number, number, number] = [4, 40, 56];
    const { source, reads } = volume(shape);
    const store = path.join(tmp, 'store');
    const first = new SliceStatistics(source, new BlockLedger(store));
    // Blocks of one slab ask together: one measurement (two passes over three bands).
    const [a, b] = await Promise.all([first.slab([2, 4]), first.slab([2, 4])]);
    expect(b).toBe(a);
    expect(reads()).toBe(6);
    const bytes = readFileSync(first.file([2, 4]));
    // Another job (or a resumed run) reads the file instead of the volume.
    const again = await new SliceStatistics(source, new BlockLedger(store)).slab([2, 4]);
    expect(reads()).toBe(6);
    expect(again).toEqual(a);
    // A job measuring on its own writes the same bytes.
    const other = new SliceStatistics(source, new BlockLedger(path.join(tmp, 'other')));
    await other.slab([2, 4]);
    expect(readFileSync(other.file([2, 4])).equals(bytes)).toBe(true);
  });
});
