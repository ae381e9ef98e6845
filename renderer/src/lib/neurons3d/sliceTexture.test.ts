import { describe, expect, it } from 'vitest';
import { sliceTexturePixels } from './sliceTexture.js';

describe('sliceTexturePixels', () => {
  it('draws the slice under the contrast window, row 0 first, opaque', () => {
    // 3 × 2, uint8: row 0 = 0, 100, 200; row 1 = 50, 150, 250.
    const data = Uint8Array.from([0, 100, 200, 50, 150, 250]).buffer;
    const { data: rgba, width, height } = sliceTexturePixels({ width: 3, height: 2, dtype: 'uint8', data }, { low: 50, high: 250 });
    expect([width, height]).toEqual([3, 2]);
    const greys = [0, 1, 2, 3, 4, 5].map((p) => rgba[p * 4]);
    expect(greys).toEqual([0, 64, 191, 0, 128, 255]);
    expect([rgba[5 * 4 + 1], rgba[5 * 4 + 2], rgba[5 * 4 + 3]]).toEqual([255, 255, 255]);
  });

  it('averages a large slice down by a whole factor to fit the size limit, float32 included', () => {
    // 5 × 3 float32 with a limit of 2: factor 3, so 2 × 1 pixels; the last block is partial.
    const values = Float32Array.from([0, 1, 0, 1, 1, /**/ 1, 0, 1, 1, 1, /**/ 0, 1, 0, 1, 1]);
    const { data, width, height } = sliceTexturePixels({ width: 5, height: 3, dtype: 'float32', data: values.buffer }, { low: 0, high: 1 }, 2);
    expect([width, height]).toEqual([2, 1]);
    // Block 1: four ones of nine → 4/9 of 255; block 2 (two columns): all ones.
    expect(data[0]).toBe(Math.round((4 * 255) / 9));
    expect(data[4]).toBe(255);
  });

  it('refuses short buffers and empty slices, naming the sizes', () => {
    expect(() => sliceTexturePixels({ width: 4, height: 4, dtype: 'uint16', data: new ArrayBuffer(16) }, { low: 0, high: 1 })).toThrow(/16 bytes but 4 × 4 uint16 needs 32/);
    expect(() => sliceTexturePixels({ width: 0, height: 4, dtype: 'uint8', data: new ArrayBuffer(0) }, { low: 0, high: 1 })).toThrow(/0 × 4 pixels/);
  });
});
