import { describe, expect, it } from 'vitest';
import { CELL_CORRECTION_RGB, colormapColor, MEMBRANE_CORRECTION_RGB } from './overlayColors.js';
import { LABEL_OFFSET, overlayLut, type OverlayStyle } from './overlayLut.js';

const style: OverlayStyle = {
  showPrediction: true,
  mode: 'probability',
  threshold: 128,
  opacity: 1,
  colormap: 'magenta',
  showCorrections: true,
  correctionOpacity: 1,
};

/** Entry `index` of the table for a style as [r, g, b, a]. */
function entry(overrides: Partial<OverlayStyle>, index: number): number[] {
  const value = overlayLut({ ...style, ...overrides })[index]!;
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
}

describe('overlayLut', () => {
  it('has 256 prediction entries and 3 label entries', () => {
    expect(overlayLut(style)).toHaveLength(LABEL_OFFSET + 3);
  });

  it('fades the colour in with the probability in probability mode, scaled by the opacity', () => {
    expect([0, 51, 255].map((p) => entry({}, p))).toEqual([
      [255, 0, 150, 0],
      [255, 0, 150, 51],
      [255, 0, 150, 255],
    ]);
    expect([255, 100].map((p) => entry({ opacity: 0.5 }, p))).toEqual([
      [255, 0, 150, 128],
      [255, 0, 150, 50],
    ]);
  });

  it('takes the colour of each level from the colour map', () => {
    expect(entry({ colormap: 'magma' }, 200)).toEqual([...colormapColor('magma', 200), 200]);
  });

  it('shows a hard mask at the top colour in threshold mode', () => {
    expect([0, 127, 128, 255].map((p) => entry({ mode: 'threshold', threshold: 128, opacity: 0.6, colormap: 'magma' }, p))).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [222, 73, 104, 153],
      [222, 73, 104, 153],
    ]);
  });

  it('maps labels 1 and 2 to the correction colours and leaves unlabelled transparent', () => {
    expect([0, 1, 2].map((label) => entry({ correctionOpacity: 0.5 }, LABEL_OFFSET + label))).toEqual([
      [0, 0, 0, 0],
      [...MEMBRANE_CORRECTION_RGB, 128],
      [...CELL_CORRECTION_RGB, 128],
    ]);
  });

  it('leaves the prediction entries transparent when the prediction is off, and clamps opacities', () => {
    expect(entry({ showPrediction: false }, 255)).toEqual([0, 0, 0, 0]);
    expect(entry({ opacity: 7 }, 255)).toEqual([255, 0, 150, 255]);
    expect(entry({ correctionOpacity: Number.NaN }, LABEL_OFFSET + 1)).toEqual([...MEMBRANE_CORRECTION_RGB, 0]);
  });
});
