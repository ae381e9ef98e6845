import { describe, expect, it } from 'vitest';
import { renderSegments } from './renderSegments.js';
import { segmentColor } from './segmentColor.js';

const rgba = (out: Uint8ClampedArray, i: number): number[] => Array.from(out.subarray(i * 4, i * 4 + 4));

describe('segmentColor', () => {
  it('gives each id a stable colour and neighbouring ids different ones', () => {
    expect(segmentColor(7)).toEqual(segmentColor(7));
    const colours = new Set(Array.from({ length: 50 }, (_, k) => segmentColor(k + 1).join(',')));
    expect(colours.size).toBe(50);
  });
});

describe('renderSegments', () => {
  // 4 × 3: id 1 on the left, 0 in column 2, id 2 on the right.
  const ids = Uint32Array.from([1, 1, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2]);

  it('fills segments in their colour at the opacity, leaves the boundary clear', () => {
    const out = new Uint8ClampedArray(48);
    renderSegments(out, ids, 4, 3, { outline: false, opacity: 0.5, selection: [], hidden: [] });
    expect(rgba(out, 0)).toEqual([...segmentColor(1), 128]);
    expect(rgba(out, 2)).toEqual([0, 0, 0, 0]);
    expect(rgba(out, 3)).toEqual([...segmentColor(2), 128]);
  });

  it('draws outlines only where the id changes, selected segments in white, and skips hidden ones', () => {
    const out = new Uint8ClampedArray(48);
    renderSegments(out, ids, 4, 3, { outline: true, opacity: 0.5, selection: [2], hidden: [] });
    expect(rgba(out, 0)[3]).toBe(0); // interior of 1 (its neighbours are 1)
    expect(rgba(out, 1)).toEqual([...segmentColor(1), 255]); // next to the boundary
    expect(rgba(out, 3)).toEqual([255, 255, 255, 255]);
    renderSegments(out, ids, 4, 3, { outline: false, opacity: 0.5, selection: [], hidden: [1] });
    expect(rgba(out, 0)).toEqual([0, 0, 0, 0]);
  });
});
