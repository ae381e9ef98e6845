import { describe, expect, it } from 'vitest';
import { labelNeurons } from './labelNeurons.js';

describe('labelNeurons', () => {
  it('links each slice’s cells into neurons by overlap, membrane staying 0', () => {
    // Two cells per slice (255), a membrane column (0) between them that leans one pixel.
    const rows = ['XXX.XX', 'XX.XXX', 'XX.XXX'];
    const labels = Uint8Array.from(rows.flatMap((row) => [row, row]).join(''), (c) => (c === 'X' ? 255 : 0));
    const ids = labelNeurons(labels, 6, 2, 3);
    expect(new Set(ids)).toEqual(new Set([0, 1, 2]));
    expect(ids[0]).toBe(ids[12 + 0]);
    expect(ids[5]).toBe(ids[24 + 5]);
    expect(ids[3]).toBe(0);
    expect(() => labelNeurons(new Uint8Array(5), 6, 2, 3)).toThrow(/hold 5 voxels, not 6 × 2 × 3/);
  });
});
