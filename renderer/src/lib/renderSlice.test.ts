import { describe, expect, it } from 'vitest';
import { buildLut, greyLevel, renderSlice, voxelAt, type SliceData } from './renderSlice.js';

function slice(dtype: SliceData['dtype'], values: number[], width = values.length): SliceData {
  const array =
    dtype === 'uint8' ? Uint8Array.from(values) : dtype === 'uint16' ? Uint16Array.from(values) : Float32Array.from(values);
  return { width, height: values.length / width, dtype, data: array.buffer };
}

/** The red channel of every pixel (the image is grey, so r = g = b). */
function levels(rgba: Uint8ClampedArray): number[] {
  const out: number[] = [];
  for (let i = 0; i < rgba.length; i += 4) {
    expect(rgba[i + 1]).toBe(rgba[i]);
    expect(rgba[i + 2]).toBe(rgba[i]);
    expect(rgba[i + 3]).toBe(255);
    out.push(rgba[i]!);
  }
  return out;
}

describe('greyLevel', () => {
  it('maps the window linearly and clamps outside it', () => {
    const range = { low: 100, high: 200 };
    expect(greyLevel(50, range)).toBe(0);
    expect(greyLevel(100, range)).toBe(0);
    expect(greyLevel(150, range)).toBe(128);
    expect(greyLevel(200, range)).toBe(255);
    expect(greyLevel(1e9, range)).toBe(255);
  });

  it('treats an empty or inverted window as a threshold at low', () => {
    expect(greyLevel(9, { low: 10, high: 10 })).toBe(0);
    expect(greyLevel(10, { low: 10, high: 10 })).toBe(255);
    expect(greyLevel(11, { low: 10, high: 5 })).toBe(255);
  });

  it('shows NaN as black', () => {
    expect(greyLevel(Number.NaN, { low: 0, high: 1 })).toBe(0);
  });
});

describe('buildLut', () => {
  it('has one entry per value of the type', () => {
    expect(buildLut('uint8', { low: 0, high: 255 })).toHaveLength(256);
    expect(buildLut('uint16', { low: 0, high: 65535 })).toHaveLength(65536);
  });
});

describe('renderSlice', () => {
  it('passes uint8 through unchanged under the full window', () => {
    const values = [0, 1, 127, 128, 254, 255];
    expect(levels(renderSlice(slice('uint8', values), { low: 0, high: 255 }))).toEqual(values);
  });

  it('stretches a narrow uint8 window', () => {
    expect(levels(renderSlice(slice('uint8', [0, 10, 15, 20, 255]), { low: 10, high: 20 }))).toEqual([0, 0, 128, 255, 255]);
  });

  it('windows uint16 through the lookup table', () => {
    const out = renderSlice(slice('uint16', [0, 1000, 1500, 2000, 65535], 5), { low: 1000, high: 2000 });
    expect(levels(out)).toEqual([0, 0, 128, 255, 255]);
  });

  it('maps float32 arithmetically, with NaN and infinities', () => {
    const values = [-1, 0, 0.5, 1, 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    expect(levels(renderSlice(slice('float32', values), { low: 0, high: 1 }))).toEqual([0, 0, 128, 255, 255, 0, 255, 0]);
  });

  it('thresholds float32 when the window is empty', () => {
    expect(levels(renderSlice(slice('float32', [0.1, 0.5, 0.9, Number.NaN]), { low: 0.5, high: 0.5 }))).toEqual([0, 255, 255, 0]);
  });

  it('reuses the output buffer when its size fits', () => {
    const out = new Uint8ClampedArray(4 * 4);
    expect(renderSlice(slice('uint8', [1, 2, 3, 4], 2), { low: 0, high: 255 }, out)).toBe(out);
  });

  it('names the sizes when the buffer is short', () => {
    const short: SliceData = { width: 4, height: 4, dtype: 'uint16', data: new ArrayBuffer(8) };
    expect(() => renderSlice(short, { low: 0, high: 1 })).toThrow(/8 bytes but 4 × 4 uint16 needs 32/);
  });
});

describe('voxelAt', () => {
  it('reads each dtype row-major and returns null outside', () => {
    expect(voxelAt(slice('uint8', [1, 2, 3, 4], 2), 1, 1)).toBe(4);
    expect(voxelAt(slice('uint16', [1, 2, 3, 60000], 2), 1, 1)).toBe(60000);
    expect(voxelAt(slice('float32', [0.25, 2, 3, 4], 2), 0, 0)).toBe(0.25);
    expect(voxelAt(slice('uint8', [1, 2, 3, 4], 2), 2, 0)).toBeNull();
    expect(voxelAt(slice('uint8', [1, 2, 3, 4], 2), 0, -1)).toBeNull();
  });
});
