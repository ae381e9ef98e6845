/** The colour maps the prediction overlay offers. */
export type ColormapName = 'magenta' | 'violet' | 'magma';

export const COLORMAP_NAMES: readonly ColormapName[] = ['magenta', 'violet', 'magma'];

/** What the colour-map selector shows for each map. */
export const COLORMAP_LABELS: Record<ColormapName, string> = {
  magenta: 'Magenta',
  violet: 'Violet',
  magma: 'Magma (purple → rose)',
};

export type Rgb = readonly [red: number, green: number, blue: number];

/**
 * Corrections get fixed colours: yellow for painted membrane, cyan for painted cell. Every
 * overlay colour map keeps to purples, magentas and roses, away from both for normal vision and
 * for each kind of colour blindness (`palettes.test.ts` measures it), so a painted pixel never
 * reads as a prediction.
 */
export const MEMBRANE_CORRECTION_RGB: Rgb = [255, 214, 0];
export const CELL_CORRECTION_RGB: Rgb = [0, 200, 255];

/** The colour of a painted label, as a CSS colour for legends and labels that must match the overlay. */
export function correctionCss(label: 'membrane' | 'cell'): string {
  return cssRgb(label === 'membrane' ? MEMBRANE_CORRECTION_RGB : CELL_CORRECTION_RGB);
}

/**
 * The single-hue maps. Magenta leans to rose (blue 150, not 255): full magenta turns the same
 * light blue as the cyan cell corrections for deuteranopes (ΔE00 6.9); this one stays 26 apart.
 */
const MAGENTA: Rgb = [255, 0, 150];
const VIOLET: Rgb = [150, 0, 200];

/**
 * matplotlib's magma from 0 to 0.6, at 7 evenly spaced points: black, purple, magenta, rose. Its
 * upper 40 % (orange to pale yellow) is left out: it would read as a membrane correction.
 */
const MAGMA_STOPS: readonly Rgb[] = [
  [0, 0, 4],
  [20, 14, 54],
  [59, 15, 112],
  [100, 26, 128],
  [140, 41, 129],
  [183, 55, 121],
  [222, 73, 104],
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
 * The colour for level 0..255 of a colour map. Magenta and violet are one hue at every level: in
 * probability mode the opacity carries the level, and a constant hue keeps the EM texture
 * readable under it. Magma also darkens towards low levels.
 */
export function colormapColor(name: ColormapName, level: number): Rgb {
  const t = Math.max(0, Math.min(255, level)) / 255;
  switch (name) {
    case 'magenta':
      return MAGENTA;
    case 'violet':
      return VIOLET;
    case 'magma':
      return interpolate(MAGMA_STOPS, t);
  }
}

/** A stored or typed colour-map name, or null when it is not one of ours. */
export function asColormapName(value: unknown): ColormapName | null {
  return typeof value === 'string' && (COLORMAP_NAMES as readonly string[]).includes(value) ? (value as ColormapName) : null;
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
