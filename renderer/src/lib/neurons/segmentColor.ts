/**
 * A segment's colour, the same in the slice view and the 3D view: hues spread by the golden
 * ratio over a hash of the id, so neighbouring ids (often neighbouring neurons) look different.
 */
export function segmentColor(id: number): [number, number, number] {
  let h = Math.imul(id ^ (id >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  const hue = ((h >>> 0) / 4294967296 + id * 0.618033988749895) % 1;
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
