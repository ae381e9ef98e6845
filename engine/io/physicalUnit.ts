/** Nanometres per unit, for the length units microscopy files use (keys lower-case). */
const NANOMETRES: Record<string, number> = {
  pm: 1e-3,
  'å': 0.1,
  angstrom: 0.1,
  nm: 1,
  nanometer: 1,
  nanometre: 1,
  nanometers: 1,
  nanometres: 1,
  'µm': 1e3, // U+00B5 micro sign
  'μm': 1e3, // U+03BC Greek mu
  um: 1e3,
  micron: 1e3,
  microns: 1e3,
  micrometer: 1e3,
  micrometre: 1e3,
  micrometers: 1e3,
  micrometres: 1e3,
  mm: 1e6,
  millimeter: 1e6,
  millimetre: 1e6,
  cm: 1e7,
  centimeter: 1e7,
  centimetre: 1e7,
  inch: 2.54e7,
  in: 2.54e7,
  m: 1e9,
  meter: 1e9,
  metre: 1e9,
};

const PIXEL_UNITS = new Set(['', 'px', 'pixel', 'pixels']);

/**
 * How a unit string relates to nanometres: a factor for length units, 'px' for "no unit", or
 * undefined for units we do not know (kept as they are). ImageJ writes the micro sign as a
 * literal `\u00B5` escape, which is decoded first.
 */
export function nanometresPerUnit(unit: string): number | 'px' | undefined {
  const key = unit
    .trim()
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .toLowerCase();
  if (PIXEL_UNITS.has(key)) return 'px';
  return NANOMETRES[key];
}

/**
 * Converts a length to nanometres. Products of decimal values pick up binary noise
 * (0.035 × 1000 = 35.00000000000001), so scaled values are rounded to 12 significant digits;
 * values already in nanometres are left exactly as they are.
 */
export function toNanometres(value: number, factor: number): number {
  return factor === 1 ? value : Number((value * factor).toPrecision(12));
}
