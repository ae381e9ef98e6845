/** A scale bar: a round length in µm and how many CSS pixels it spans on screen. */
export interface ScaleBar {
  lengthUm: number;
  pixels: number;
}

/** Shortest and longest bar, in CSS pixels, that reads well beside a 3D view. */
export const SCALE_BAR_MIN_PIXELS = 80;
export const SCALE_BAR_MAX_PIXELS = 160;

/**
 * The round length (1, 2 or 5 × 10^k µm) whose bar spans SCALE_BAR_MIN_PIXELS..MAX pixels at
 * `pixelsPerUm`. The 1-2-5 series steps by up to 2.5×, which a 2× range cannot always hold: then
 * the length whose bar falls nearest the range (by ratio) wins, the shorter on a tie.
 */
export function chooseScaleBar(pixelsPerUm: number): ScaleBar {
  if (!(pixelsPerUm > 0) || !Number.isFinite(pixelsPerUm)) return { lengthUm: 0, pixels: 0 };
  const target = Math.sqrt(SCALE_BAR_MIN_PIXELS * SCALE_BAR_MAX_PIXELS);
  const decade = Math.floor(Math.log10(target / pixelsPerUm));
  let best: ScaleBar = { lengthUm: 0, pixels: 0 };
  let bestMiss = Infinity;
  for (let k = decade - 1; k <= decade + 1; k++) {
    for (const step of [1, 2, 5]) {
      // Built from the decimal string so 0.1 × 2 gives 0.2, not 0.20000000000000004.
      const lengthUm = Number(`${step}e${k}`);
      const pixels = lengthUm * pixelsPerUm;
      const miss = pixels < SCALE_BAR_MIN_PIXELS ? SCALE_BAR_MIN_PIXELS / pixels : pixels > SCALE_BAR_MAX_PIXELS ? pixels / SCALE_BAR_MAX_PIXELS : 1;
      if (miss < bestMiss) {
        best = { lengthUm, pixels };
        bestMiss = miss;
      }
    }
  }
  return best;
}

/** The bar's label: "500 nm" below 1 µm, "2 µm" from there. */
export function formatScaleLength(lengthUm: number): string {
  if (lengthUm < 1) return `${Math.round(lengthUm * 1000 * 1000) / 1000} nm`;
  return `${lengthUm} µm`;
}

/**
 * CSS pixels per µm on a perspective view's plane at `distanceNm` from the camera, with vertical
 * field of view `fovDegrees` over `viewHeightPixels`.
 */
export function pixelsPerUmAt(distanceNm: number, fovDegrees: number, viewHeightPixels: number): number {
  const visibleHeightNm = 2 * distanceNm * Math.tan((fovDegrees * Math.PI) / 360);
  return visibleHeightNm > 0 ? (viewHeightPixels / visibleHeightNm) * 1000 : 0;
}
