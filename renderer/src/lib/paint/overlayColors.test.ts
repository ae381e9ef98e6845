import { describe, expect, it } from 'vitest';
import { colormapColor, colormapCssGradient, colormapRgb, COLORMAP_NAMES, cssRgb, packRgba } from './overlayColors.js';

describe('colormapColor', () => {
  it('keeps magenta one hue at every level', () => {
    expect(colormapColor('magenta', 0)).toEqual([255, 0, 255]);
    expect(colormapColor('magenta', 255)).toEqual([255, 0, 255]);
  });

  it('hits the viridis control points at both ends and the middle', () => {
    expect(colormapColor('viridis', 0)).toEqual([68, 1, 84]);
    expect(colormapColor('viridis', 127.5)).toEqual([33, 145, 140]);
    expect(colormapColor('viridis', 255)).toEqual([253, 231, 37]);
  });

  it('runs hot from black through red and yellow to white', () => {
    expect(colormapColor('hot', 0)).toEqual([0, 0, 0]);
    expect(colormapColor('hot', 85)).toEqual([255, 0, 0]);
    expect(colormapColor('hot', 170)).toEqual([255, 255, 0]);
    expect(colormapColor('hot', 255)).toEqual([255, 255, 255]);
  });

  it('clamps levels outside 0..255', () => {
    expect(colormapColor('viridis', -5)).toEqual(colormapColor('viridis', 0));
    expect(colormapColor('hot', 900)).toEqual([255, 255, 255]);
  });
});

describe('colormapRgb', () => {
  it('has 256 rgb entries per map, matching colormapColor', () => {
    for (const name of COLORMAP_NAMES) {
      const table = colormapRgb(name);
      expect(table).toHaveLength(768);
      expect([...table.subarray(200 * 3, 201 * 3)]).toEqual(colormapColor(name, 200));
    }
  });

  it('changes viridis smoothly (no jump larger than a few levels)', () => {
    const table = colormapRgb('viridis');
    for (let k = 3; k < table.length; k++) expect(Math.abs(table[k]! - table[k - 3]!)).toBeLessThanOrEqual(3);
  });
});

describe('packRgba', () => {
  it('packs little-endian so a Uint32Array view writes r, g, b, a bytes in order', () => {
    const bytes = new Uint8ClampedArray(4);
    new Uint32Array(bytes.buffer)[0] = packRgba(1, 2, 3, 4);
    expect([...bytes]).toEqual([1, 2, 3, 4]);
    expect(packRgba(255, 255, 255, 255)).toBe(0xffffffff);
    expect(packRgba(0, 0, 0, 300)).toBe(0xff000000);
  });
});

describe('css colours', () => {
  it('formats swatches and legends', () => {
    expect(cssRgb([255, 214, 0])).toBe('rgb(255 214 0)');
    expect(colormapCssGradient('hot', 2)).toBe('linear-gradient(to right, rgb(0 0 0), rgb(255 255 255))');
  });
});
