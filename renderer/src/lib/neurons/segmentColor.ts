/**
 * The hue bands (HSV degrees) segment colours are drawn from: red-orange, green to teal, and
 * blue. Left out are the membrane overlay's purples, magentas and roses (232–12°), the orange,
 * yellow and lime around membrane corrections' yellow (30–80°) and the cyan of cell corrections
 * (170–220°), so a neuron never reads as predicted membrane, and a correction painted over a
 * neuron stands out (`palettes.test.ts`).
 */
export const SEGMENT_HUE_BANDS: readonly (readonly [from: number, to: number])[] = [
  [12, 30],
  [80, 170],
  [220, 232],
];

const BAND_SPAN = SEGMENT_HUE_BANDS.reduce((sum, [from, to]) => sum + to - from, 0);

/** Position t (0..1) along the allowed bands, laid end to end, as a hue in 0..1. */
function bandHue(t: number): number {
  let rest = t * BAND_SPAN;
  for (const [from, to] of SEGMENT_HUE_BANDS) {
    if (rest <= to - from) return (from + rest) / 360;
    rest -= to - from;
  }
  return SEGMENT_HUE_BANDS[SEGMENT_HUE_BANDS.length - 1]![1] / 360;
}

/**
 * A segment's colour, the same in the slice view and the 3D view: hues step by the golden ratio
 * from one id to the next, so consecutive ids (often neighbouring neurons) get far-apart hues;
 * saturation and value vary with a hash of the id.
 */
export function segmentColor(id: number): [number, number, number] {
  let h = Math.imul(id ^ (id >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  const hue = bandHue((id * 0.618033988749895) % 1);
  const saturation = 0.55 + ((h >>> 8) & 0xff) / 255 / 3;
  const value = 0.8 + ((h >>> 16) & 0xff) / 255 / 5;
  return hsvToRgb(hue, saturation, value);
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][i % 6]!;
  return [Math.round(r! * 255), Math.round(g! * 255), Math.round(b! * 255)];
}
