import { describe, expect, it } from 'vitest';
import { segmentColor } from '../neurons/segmentColor.js';
import { labChroma, labHue, rgbDifference, worstCaseDifference } from './colorDifference.js';
import { CELL_CORRECTION_RGB, colormapColor, COLORMAP_NAMES, MEMBRANE_CORRECTION_RGB, type ColormapName, type Rgb } from './overlayColors.js';

// The palettes must never collide: a predicted membrane must not look like a painted correction,
// for normal vision or any dichromacy, and a neuron's colour must not look like either.
// Distances are CIEDE2000 (ΔE00): about 2 is just noticeable side by side, 10 another colour.

const CORRECTIONS: readonly [string, Rgb][] = [
  ['membrane correction', MEMBRANE_CORRECTION_RGB],
  ['cell correction', CELL_CORRECTION_RGB],
];

/** The colours a map shows where it matters: levels 128..255, membrane at the default threshold. */
function shownColours(name: ColormapName): Rgb[] {
  const colours: Rgb[] = [];
  for (let level = 128; level < 256; level++) colours.push(colormapColor(name, level));
  return colours;
}

const OVERLAY = COLORMAP_NAMES.flatMap(shownColours);

/** Circular distance between two hue angles, in degrees. */
function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

describe('overlay colour maps against the correction colours', () => {
  it.each(COLORMAP_NAMES)('%s stays ΔE00 ≥ 40 from both corrections, and ≥ 20 for each kind of colour blindness', (name) => {
    for (const colour of shownColours(name)) {
      for (const [what, correction] of CORRECTIONS) {
        const worst = worstCaseDifference(colour, correction);
        expect(worst.normal, `${name} ${colour.join(',')} vs ${what}`).toBeGreaterThanOrEqual(40);
        expect(worst.dichromat, `${name} ${colour.join(',')} vs ${what} (${worst.kind})`).toBeGreaterThanOrEqual(20);
      }
    }
  });

  it('would catch the clashes it guards against: viridis’s yellow top, and full magenta for deuteranopes', () => {
    expect(rgbDifference([253, 231, 37], MEMBRANE_CORRECTION_RGB)).toBeLessThan(10);
    const magenta = worstCaseDifference([255, 0, 255], CELL_CORRECTION_RGB);
    expect(magenta.dichromat).toBeLessThan(10);
    expect(magenta.kind).toBe('deuteranopia');
  });

  it('keeps the two correction colours apart for everyone', () => {
    const worst = worstCaseDifference(MEMBRANE_CORRECTION_RGB, CELL_CORRECTION_RGB);
    expect(worst.normal).toBeGreaterThanOrEqual(40);
    expect(worst.dichromat).toBeGreaterThanOrEqual(30);
  });
});

describe('segment colours', () => {
  const ids = Array.from({ length: 3000 }, (_, k) => k + 1);
  const overlayHues = OVERLAY.map(labHue);

  it('keep out of the overlay’s hues: at least 10° of hue and ΔE00 15 from every overlay colour', () => {
    for (const id of ids) {
      const colour = segmentColor(id);
      const hue = labHue(colour);
      const nearestHue = Math.min(...overlayHues.map((h) => hueDistance(h, hue)));
      expect(nearestHue, `segment ${id} ${colour.join(',')} hue ${hue.toFixed(0)}°`).toBeGreaterThanOrEqual(10);
      const nearest = Math.min(...OVERLAY.map((o) => rgbDifference(colour, o)));
      expect(nearest, `segment ${id} ${colour.join(',')}`).toBeGreaterThanOrEqual(15);
    }
  });

  it('let a correction painted over them stand out: ΔE00 ≥ 20 from yellow and cyan', () => {
    for (const id of ids) {
      for (const [what, correction] of CORRECTIONS) expect(rgbDifference(segmentColor(id), correction), `segment ${id} vs ${what}`).toBeGreaterThanOrEqual(20);
    }
  });

  it('tell consecutive ids (often neighbours) apart, and stay colourful', () => {
    for (const id of ids) {
      expect(rgbDifference(segmentColor(id), segmentColor(id + 1)), `segments ${id} and ${id + 1}`).toBeGreaterThanOrEqual(8);
      expect(labChroma(segmentColor(id))).toBeGreaterThan(20);
    }
  });
});
