import type { Rgb } from './NeuronMesh.js';

/**
 * A distinct, stable colour for a segment id, for callers that have none: hues step by the golden
 * angle so neighbouring ids differ clearly; saturation and lightness stay where shaded surfaces
 * read well on the dark background.
 */
export function neuronColor(id: number): Rgb {
  const hue = ((id * 137.50776405) % 360 + 360) % 360;
  const lightness = 0.55 + 0.1 * ((id >>> 3) % 2);
  return hslToRgb(hue, 0.7, lightness);
}

/** HSL (hue in degrees, saturation and lightness 0..1) to RGB 0..1. */
export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const amplitude = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number): number => {
    const k = (n + hue / 30) % 12;
    return lightness - amplitude * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [channel(0), channel(8), channel(4)];
}

/**
 * The key meshes share a material under: the colour at 8 bits per channel (what a screen shows
 * anyway), so 500 neurons in a handful of colours need only a handful of materials.
 */
export function colorKey(color: Rgb): string {
  return color.map((c) => Math.round(clamp01(c) * 255).toString(16).padStart(2, '0')).join('');
}

/** The glow added to a selected neuron's shading: a tint of its own colour, so dark colours light up too. */
export function highlightColor(color: Rgb): Rgb {
  return [0.25 + 0.25 * clamp01(color[0]), 0.25 + 0.25 * clamp01(color[1]), 0.25 + 0.25 * clamp01(color[2])];
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
