import { describe, expect, it } from 'vitest';
import { DEFAULT_NORMALIZATION } from './modelFolder.js';
import { normalizeSlice, sliceStats } from './normalizeSlice.js';

describe('normalizeSlice', () => {
  it('z-scores a slice by its own finite voxels, and non-finite voxels become 0', () => {
    const raw = new Float32Array([1, 2, 3, NaN, 6]);
    expect(sliceStats(raw)).toEqual({ mean: 3, std: Math.sqrt(3.5) });
    const out = normalizeSlice(raw, DEFAULT_NORMALIZATION);
    const scale = 1 / (Math.sqrt(3.5) + DEFAULT_NORMALIZATION.epsilon);
    expect(Array.from(out)).toEqual(Array.from(new Float32Array([-2 * scale, -1 * scale, 0, 0, 3 * scale])));
  });

  it('normalises part of a slice exactly as the whole slice when given the whole slice statistics', () => {
    const whole = Uint16Array.from({ length: 64 }, (_, i) => (i * 7919) % 4096);
    const stats = sliceStats(whole);
    const all = normalizeSlice(whole, DEFAULT_NORMALIZATION);
    const part = normalizeSlice(whole.subarray(16, 40), DEFAULT_NORMALIZATION, undefined, stats);
    expect(Array.from(part)).toEqual(Array.from(all.subarray(16, 40)));
    expect(Array.from(normalizeSlice(whole.subarray(16, 40), DEFAULT_NORMALIZATION))).not.toEqual(Array.from(part));
  });

  it('keeps a flat slice finite', () => {
    expect(Array.from(normalizeSlice(new Uint8Array([7, 7, 7]), DEFAULT_NORMALIZATION))).toEqual([0, 0, 0]);
  });
});
