import { describe, expect, it } from 'vitest';
import { intensityStats } from './intensityWindow.js';

describe('intensityStats', () => {
  it('gives 8-bit volumes their range and the full 0..255 window', () => {
    expect(intensityStats({ dtype: 'uint8', data: Uint8Array.of(10, 20, 200) })).toEqual({ range: { min: 10, max: 200 }, window: { low: 0, high: 255 } });
    expect(intensityStats({ dtype: 'uint8', data: new Uint8Array(5).fill(7) }).window).toEqual({ low: 0, high: 255 });
  });

  it('gives 16-bit volumes the exact 0.1st..99.9th percentile window', () => {
    // 10,000 voxels 0..9999 plus 10 outliers at each end.
    const data = new Uint16Array(10_020);
    for (let i = 0; i < 10_000; i++) data[i] = 30_000 + i;
    data.fill(0, 10_000, 10_010);
    data.fill(65_535, 10_010);
    const { range, window } = intensityStats({ dtype: 'uint16', data });
    expect(range).toEqual({ min: 0, max: 65_535 });
    // Ranks floor(0.001 × 10019) = 10 and ceil(0.999 × 10019) = 10009 of the sorted values.
    expect(window).toEqual({ low: 30_000, high: 39_999 });
  });

  it('widens a zero-width window', () => {
    expect(intensityStats({ dtype: 'uint16', data: new Uint16Array(100).fill(500) }).window).toEqual({ low: 500, high: 501 });
    expect(intensityStats({ dtype: 'uint16', data: new Uint16Array(100).fill(65_535) }).window).toEqual({ low: 65_534, high: 65_535 });
    const flat = intensityStats({ dtype: 'float32', data: new Float32Array(100).fill(2) }).window;
    expect(flat.high).toBeGreaterThan(flat.low);
    expect(flat.low).toBeLessThanOrEqual(2);
    expect(flat.high).toBeGreaterThanOrEqual(2);
  });

  it('gives float volumes percentile windows from a histogram, ignoring NaN and infinities', () => {
    const data = new Float32Array(100_000);
    for (let i = 0; i < data.length; i++) data[i] = i / 100_000; // uniform 0..1
    data[0] = -1000;
    data[1] = 1000;
    data[2] = NaN;
    data[3] = Infinity;
    data[4] = -Infinity;
    const { range, window } = intensityStats({ dtype: 'float32', data });
    expect(range).toEqual({ min: -1000, max: 1000 });
    // With a 4096-bin histogram over -1000..1000 each bin is ~0.49 wide; the window covers the
    // bulk (0..1) and excludes the outliers.
    expect(window.low).toBeLessThanOrEqual(0);
    expect(window.low).toBeGreaterThan(-1);
    expect(window.high).toBeGreaterThanOrEqual(1);
    expect(window.high).toBeLessThan(2);
  });

  it('is precise for floats without outliers', () => {
    const data = Float32Array.from({ length: 1_000_000 }, (_, i) => i / 1_000_000);
    const { window } = intensityStats({ dtype: 'float32', data });
    expect(window.low).toBeCloseTo(0.001, 3);
    expect(window.high).toBeCloseTo(0.999, 3);
  });

  it('handles volumes without finite values', () => {
    expect(intensityStats({ dtype: 'float32', data: Float32Array.of(NaN, NaN) })).toEqual({ range: { min: 0, max: 0 }, window: { low: 0, high: 1 } });
    expect(intensityStats({ dtype: 'uint16', data: new Uint16Array(0) })).toEqual({ range: { min: 0, max: 0 }, window: { low: 0, high: 1 } });
  });

  it('handles a 4096 × 4096 float slice in well under a second', () => {
    const data = new Float32Array(4096 * 4096);
    for (let i = 0; i < data.length; i++) data[i] = (i % 4099) * 0.37;
    const start = performance.now();
    intensityStats({ dtype: 'float32', data });
    expect(performance.now() - start).toBeLessThan(500);
  });
});
