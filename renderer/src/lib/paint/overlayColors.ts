/** The colour maps the prediction overlay offers. */
export type ColormapName = 'magenta' | 'viridis' | 'hot';

export const COLORMAP_NAMES: readonly ColormapName[] = ['magenta', 'viridis', 'hot'];

export type Rgb = readonly [red: number, green: number, blue: number];

/**
 * Corrections get fixed colours outside every colour map's hues, so a painted pixel never reads
 * as a prediction: yellow for painted membrane, cyan for painted cell.
 */
export const MEMBRANE_CORRECTION_RGB: Rgb = [255, 214, 0];
export const CELL_CORRECTION_RGB: Rgb = [0, 200, 255];

/** matplotlib's viridis sampled at 9 evenly spaced points; perceptually uniform and colour-blind safe. */
const VIRIDIS_STOPS: readonly Rgb[] = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37],
];

/** Linear interpolation between evenly spaced stops at t in 0..1. */
function interpolate(stops: readonly Rgb[], t: number): Rgb {
  const position = t * (stops.length - 1);
  const index = Math.min(stops.length - 2, Math.floor(position));
  const fraction = position - index;
  const a = stops[index]!;
  const b = stops[index + 1]!;
  return [
    Math.round(a[0] + (b[0] - a[0]) * fraction),
    Math.round(a[1] + (b[1] - a[1]) * fraction),
    Math.round(a[2] + (b[2] - a[2]) * fraction),
  ];
}

/** Clamps to 0..255 as a whole number. */
function byte(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}

/**
 * The colour for level 0..255 of a colour map. Magenta is one hue at every level: in probability
 * mode the opacity carries the level, and a constant hue keeps the EM texture readable under it.
 * Hot runs black → red → yellow → white.
 */
export function colormapColor(name: ColormapName, level: number): Rgb {
  const t = Math.max(0, Math.min(255, level)) / 255;
  switch (name) {
    case 'magenta':
      return [255, 0, 255];
    case 'viridis':
      return interpolate(VIRIDIS_STOPS, t);
    case 'hot':
      return [byte(t * 3 * 255), byte((t * 3 - 1) * 255), byte((t * 3 - 2) * 255)];
  }
}

/** All 256 levels of a colour map as packed r, g, b bytes (768 entries). */
export function colormapRgb(name: ColormapName): Uint8Array<ArrayBuffer> {
  const table = new Uint8Array(256 * 3);
  for (let level = 0; level < 256; level++) table.set(colormapColor(name, level), level * 3);
  return table;
}

/** One RGBA pixel as a little-endian uint32, the layout of a Uint32Array over ImageData bytes. */
export function packRgba(red: number, green: number, blue: number, alpha: number): number {
  return ((byte(alpha) << 24) | (byte(blue) << 16) | (byte(green) << 8) | byte(red)) >>> 0;
}

/** A CSS colour, for legends and swatches that must match the overlay. */
export function cssRgb(color: Rgb): string {
  return `rgb(${color[0]} ${color[1]} ${color[2]})`;
}

/** A left-to-right CSS gradient of a colour map, for the legend beside its selector. */
export function colormapCssGradient(name: ColormapName, stops = 9): string {
  const colors: string[] = [];
  for (let k = 0; k < stops; k++) colors.push(cssRgb(colormapColor(name, (k * 255) / (stops - 1))));
  return `linear-gradient(to right, ${colors.join(', ')})`;
}
