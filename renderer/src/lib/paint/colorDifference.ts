import type { Rgb } from './overlayColors.js';

/**
 * How different two colours look, for tests that keep palettes apart: CIE Lab from sRGB (D65),
 * the CIEDE2000 colour difference, and how a colour looks with each kind of dichromacy
 * (Machado, Oliveira and Fernandes 2009, severity 1, on linear RGB). A ΔE00 of about 2 is the
 * smallest difference most people notice side by side; 10 or more reads as another colour.
 */

export type Lab = readonly [lightness: number, a: number, b: number];

/** The colour-vision deficiencies simulated: red-blind, green-blind and blue-blind. */
export type Dichromacy = 'protanopia' | 'deuteranopia' | 'tritanopia';

export const DICHROMACIES: readonly Dichromacy[] = ['protanopia', 'deuteranopia', 'tritanopia'];

const MACHADO: Record<Dichromacy, readonly number[]> = {
  protanopia: [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998],
  deuteranopia: [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881],
  tritanopia: [1.255528, -0.076749, -0.178779, -0.078411, 0.930809, 0.147602, 0.004733, 0.691367, 0.3039],
};

function toLinear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function fromLinear(value: number): number {
  const v = Math.min(1, Math.max(0, value));
  return Math.round(255 * (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055));
}

/** The colour as someone with the given dichromacy sees it, as sRGB. */
export function simulateDichromacy(color: Rgb, kind: Dichromacy): Rgb {
  const m = MACHADO[kind];
  const [r, g, b] = [toLinear(color[0]), toLinear(color[1]), toLinear(color[2])];
  return [fromLinear(m[0]! * r + m[1]! * g + m[2]! * b), fromLinear(m[3]! * r + m[4]! * g + m[5]! * b), fromLinear(m[6]! * r + m[7]! * g + m[8]! * b)];
}

/** sRGB (0..255) to CIE L*a*b* under D65. */
export function rgbToLab(color: Rgb): Lab {
  const [r, g, b] = [toLinear(color[0]), toLinear(color[1]), toLinear(color[2])];
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const [fx, fy, fz] = [f(x), f(y), f(z)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

const degrees = (radians: number): number => (radians * 180) / Math.PI;
const radians = (deg: number): number => (deg * Math.PI) / 180;

/** CIEDE2000 colour difference of two Lab colours (Sharma, Wu and Dalal 2005). */
export function deltaE2000(first: Lab, second: Lab): number {
  const [l1, a1, b1] = first;
  const [l2, a2, b2] = second;
  const meanChroma = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(meanChroma ** 7 / (meanChroma ** 7 + 25 ** 7)));
  const a1p = (1 + g) * a1;
  const a2p = (1 + g) * a2;
  const c1 = Math.hypot(a1p, b1);
  const c2 = Math.hypot(a2p, b2);
  const hue = (a: number, b: number): number => (a === 0 && b === 0 ? 0 : (degrees(Math.atan2(b, a)) + 360) % 360);
  const h1 = hue(a1p, b1);
  const h2 = hue(a2p, b2);
  const dL = l2 - l1;
  const dC = c2 - c1;
  let dh = 0;
  if (c1 * c2 !== 0) {
    dh = h2 - h1;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const dH = 2 * Math.sqrt(c1 * c2) * Math.sin(radians(dh / 2));
  const meanL = (l1 + l2) / 2;
  const meanC = (c1 + c2) / 2;
  let meanH = h1 + h2;
  if (c1 * c2 !== 0) {
    if (Math.abs(h1 - h2) <= 180) meanH = (h1 + h2) / 2;
    else meanH = h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2;
  }
  const t = 1 - 0.17 * Math.cos(radians(meanH - 30)) + 0.24 * Math.cos(radians(2 * meanH)) + 0.32 * Math.cos(radians(3 * meanH + 6)) - 0.2 * Math.cos(radians(4 * meanH - 63));
  const sL = 1 + (0.015 * (meanL - 50) ** 2) / Math.sqrt(20 + (meanL - 50) ** 2);
  const sC = 1 + 0.045 * meanC;
  const sH = 1 + 0.015 * meanC * t;
  const rotation = -2 * Math.sqrt(meanC ** 7 / (meanC ** 7 + 25 ** 7)) * Math.sin(radians(60 * Math.exp(-(((meanH - 275) / 25) ** 2))));
  return Math.sqrt((dL / sL) ** 2 + (dC / sC) ** 2 + (dH / sH) ** 2 + rotation * (dC / sC) * (dH / sH));
}

/** ΔE00 between two sRGB colours. */
export function rgbDifference(first: Rgb, second: Rgb): number {
  return deltaE2000(rgbToLab(first), rgbToLab(second));
}

/** The smallest ΔE00 between two colours as seen with normal vision and with each dichromacy. */
export function worstCaseDifference(first: Rgb, second: Rgb): { normal: number; dichromat: number; kind: Dichromacy } {
  let dichromat = Infinity;
  let kind: Dichromacy = 'protanopia';
  for (const k of DICHROMACIES) {
    const d = rgbDifference(simulateDichromacy(first, k), simulateDichromacy(second, k));
    if (d < dichromat) {
      dichromat = d;
      kind = k;
    }
  }
  return { normal: rgbDifference(first, second), dichromat, kind };
}

/** The hue angle (degrees, 0..360) of a colour in CIE LCh, the polar form of Lab. */
export function labHue(color: Rgb): number {
  const [, a, b] = rgbToLab(color);
  return (degrees(Math.atan2(b, a)) + 360) % 360;
}

/** The chroma (colourfulness) of a colour in CIE LCh. */
export function labChroma(color: Rgb): number {
  const [, a, b] = rgbToLab(color);
  return Math.hypot(a, b);
}
