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

/** A rectangle of pixels, x1 and y1 exclusive: width x1 - x0, height y1 - y0 (putImageData's dirty rectangle). */
export interface DirtyBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Where the label entries start in the lookup table: entry 256 + label. */
const LABEL_OFFSET = 256;

const TRANSPARENT = 0;

function unit(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(1, value)) : 0;
}

/**
 * The lookup table for a style: entries 0..255 map a prediction value to its packed RGBA pixel
 * (little-endian uint32), entries 256..258 map labels 0..2 (0, unlabelled, is transparent: it
 * lets the prediction show). Built once per style change so rendering is one load and one store
 * per pixel.
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

/** A uint32 view of the RGBA bytes, checked so that a wrong-sized input fails with its sizes. */
function pixelView(out: Uint8ClampedArray, prediction: Uint8Array | null, labels: Uint8Array | null): Uint32Array {
  if (out.length % 4 !== 0 || out.byteOffset % 4 !== 0) {
    throw new Error(`Overlay buffer of ${out.length} bytes at offset ${out.byteOffset} is not whole, aligned RGBA pixels.`);
  }
  const count = out.length / 4;
  if (prediction && prediction.length < count) throw new Error(`Prediction has ${prediction.length} pixels, the overlay ${count}.`);
  if (labels && labels.length < count) throw new Error(`Labels have ${labels.length} pixels, the overlay ${count}.`);
  return new Uint32Array(out.buffer, out.byteOffset, count);
}

/**
 * Renders the whole overlay into `out` (width × height × 4 RGBA bytes, non-premultiplied, to be
 * composited over the EM image): the prediction under the style, and painted corrections on top
 * of it. Label values other than 0..2 render transparent.
 */
export function renderOverlay(out: Uint8ClampedArray, prediction: Uint8Array | null, labels: Uint8Array | null, style: OverlayStyle): void {
  const pixels = pixelView(out, prediction, labels);
  const lut = overlayLut(style);
  const values = style.showPrediction ? prediction : null;
  const marks = style.showCorrections ? labels : null;
  const count = pixels.length;
  // One loop per combination keeps the hot loop free of checks that do not change per pixel.
  if (values && marks) {
    for (let i = 0; i < count; i++) {
      const label = marks[i]!;
      pixels[i] = label === 0 ? lut[values[i]!]! : (lut[LABEL_OFFSET + label] ?? TRANSPARENT);
    }
  } else if (values) {
    for (let i = 0; i < count; i++) pixels[i] = lut[values[i]!]!;
  } else if (marks) {
    for (let i = 0; i < count; i++) pixels[i] = lut[LABEL_OFFSET + marks[i]!] ?? TRANSPARENT;
  } else {
    pixels.fill(TRANSPARENT);
  }
}

/**
 * Re-renders only the pixels at `indices` (a brush stroke, a fill) exactly as renderOverlay
 * would, and returns the box around them so only that rectangle is put to the canvas; null when
 * there was nothing to update. Pass `lut` when rendering many strokes under one style.
 */
export function renderOverlayPixels(
  out: Uint8ClampedArray,
  prediction: Uint8Array | null,
  labels: Uint8Array | null,
  style: OverlayStyle,
  indices: Uint32Array,
  width: number,
  lut: Uint32Array = overlayLut(style),
): DirtyBox | null {
  const pixels = pixelView(out, prediction, labels);
  const values = style.showPrediction ? prediction : null;
  const marks = style.showCorrections ? labels : null;
  const count = pixels.length;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (i >= count) continue;
    const label = marks ? marks[i]! : 0;
    pixels[i] = label !== 0 ? (lut[LABEL_OFFSET + label] ?? TRANSPARENT) : values ? lut[values[i]!]! : TRANSPARENT;
    const y = Math.floor(i / width);
    const x = i - y * width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x1 < x0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}
