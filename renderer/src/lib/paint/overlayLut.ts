import { CELL_CORRECTION_RGB, colormapRgb, MEMBRANE_CORRECTION_RGB, packRgba, type ColormapName } from './overlayColors.js';

/** How the prediction and the corrections are drawn over the EM image. */
export interface OverlayStyle {
  showPrediction: boolean;
  /** 'probability' fades the colour in with the membrane probability; 'threshold' shows a hard mask. */
  mode: 'probability' | 'threshold';
  /** 0..255: the probability at and above which 'threshold' mode shows membrane. */
  threshold: number;
  /** 0..1: the prediction's opacity (at probability 255 in 'probability' mode). */
  opacity: number;
  colormap: ColormapName;
  showCorrections: boolean;
  /** 0..1 */
  correctionOpacity: number;
}

/** Where the label entries start in the lookup table: entry 256 + label. */
export const LABEL_OFFSET = 256;

const TRANSPARENT = 0;

function unit(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(1, value)) : 0;
}

/**
 * The lookup table for a style: entries 0..255 map a prediction value to its packed RGBA pixel
 * (little-endian uint32), entries 256..258 map labels 0..2 (0, unlabelled, is transparent: it
 * lets the prediction show; values past 2 are past the table's end and render transparent too).
 * The prediction and correction layers render through it (layers/paintStrips.ts: one load and
 * one store per pixel), each at full strength, their opacity being the layer's alpha.
 */
export function overlayLut(style: OverlayStyle): Uint32Array<ArrayBuffer> {
  const lut = new Uint32Array(LABEL_OFFSET + 3);
  if (style.showPrediction) {
    const colors = colormapRgb(style.colormap);
    const opacity = unit(style.opacity);
    for (let p = 0; p < 256; p++) {
      if (style.mode === 'probability') {
        lut[p] = packRgba(colors[p * 3]!, colors[p * 3 + 1]!, colors[p * 3 + 2]!, opacity * p);
      } else {
        lut[p] = p >= style.threshold ? packRgba(colors[255 * 3]!, colors[255 * 3 + 1]!, colors[255 * 3 + 2]!, opacity * 255) : TRANSPARENT;
      }
    }
  }
  const correctionAlpha = unit(style.correctionOpacity) * 255;
  lut[LABEL_OFFSET] = TRANSPARENT;
  lut[LABEL_OFFSET + 1] = packRgba(...MEMBRANE_CORRECTION_RGB, correctionAlpha);
  lut[LABEL_OFFSET + 2] = packRgba(...CELL_CORRECTION_RGB, correctionAlpha);
  return lut;
}
