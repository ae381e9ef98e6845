import { describe, expect, it } from 'vitest';
import { segmentColor } from '../neurons/segmentColor.js';
import { renderLabels } from './renderLabels.js';

describe('renderLabels', () => {
  it('colours each id as the neuron views do and leaves 0 transparent, for every id type', () => {
    for (const Type of [Uint8Array, Uint16Array, Uint32Array] as const) {
      const ids = Type.from([0, 7, 7, 200, 0, 3]);
      const dtype = Type === Uint8Array ? 'uint8' : Type === Uint16Array ? 'uint16' : 'uint32';
      const rgba = renderLabels({ width: 3, height: 2, dtype, data: ids.buffer as ArrayBuffer });
      for (let i = 0; i < 6; i++) {
        const pixel = Array.from(rgba.subarray(i * 4, i * 4 + 4));
        if (ids[i] === 0) expect(pixel[3]).toBe(0);
        else expect(pixel).toEqual([...segmentColor(ids[i]!), 255]);
      }
    }
  });

  it('refuses float voxels and short data', () => {
    expect(() => renderLabels({ width: 1, height: 1, dtype: 'float32', data: new Float32Array(1).buffer })).toThrow(/not label ids/);
    expect(() => renderLabels({ width: 2, height: 2, dtype: 'uint32', data: new Uint32Array(3).buffer })).toThrow(/3 ids/);
  });
});
