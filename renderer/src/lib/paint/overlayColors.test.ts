import { describe, expect, it } from 'vitest';
import { asColormapName, CELL_CORRECTION_RGB, colormapColor, colormapCssGradient, colormapRgb, COLORMAP_NAMES, correctionCss, cssRgb, MEMBRANE_CORRECTION_RGB, packRgba } from './overlayColors.js';

describe('colormapColor', () => {
  it('keeps magenta and violet one hue at every level', () => {
    for (const name of ['magenta', 'violet'] as const) expect(colormapColor(name, 0)).toEqual(colormapColor(name, 255));
    expect(colormapColor('magenta', 200)).toEqual([255, 0, 150]);
  });

  it('hits the magma control points at both ends and the middle', () => {
    expect(colormapColor('magma', 0)).toEqual([0, 0, 4]);
    expect(colormapColor('magma', 127.5)).toEqual([100, 26, 128]);
    expect(colormapColor('magma', 255)).toEqual([222, 73, 104]);
  });

  it('clamps levels outside 0..255', () => {
    expect(colormapColor('magma', -5)).toEqual(colormapColor('magma', 0));
    expect(colormapColor('magma', 900)).toEqual(colormapColor('magma', 255));
  });
});

describe('asColormapName', () => {
  it('accepts our maps and refuses others, such as the retired viridis', () => {
    expect(asColormapName('magma')).toBe('magma');
    expect(asColormapName('viridis')).toBeNull();
    expect(asColormapName(3)).toBeNull();
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

  it('changes magma smoothly (no jump larger than a few levels)', () => {
    const table = colormapRgb('magma');
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
    expect(correctionCss('membrane')).toBe(cssRgb(MEMBRANE_CORRECTION_RGB));
    expect(correctionCss('cell')).toBe(cssRgb(CELL_CORRECTION_RGB));
    expect(colormapCssGradient('magma', 2)).toBe('linear-gradient(to right, rgb(0 0 4), rgb(222 73 104))');
  });
});
