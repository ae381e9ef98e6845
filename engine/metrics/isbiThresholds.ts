/** One step of the ISBI 2012 threshold sweep. */
export interface IsbiThreshold {
  /** Membrane-probability threshold t (Membrana's convention, 1 = membrane): 0, 0.1, …, 1. */
  threshold: number;
  /**
   * The reference's threshold on the cell probability c = 1 − membrane probability, exactly as
   * Fiji's loop `for (th = 0; th <= 1; th += 0.1)` produces it: 0, 0.1, 0.2, 0.30000000000000004,
   * …, 0.9999999999999999 (so th = 1 − t up to rounding).
   */
  cellThreshold: number;
}

/**
 * The 11 thresholds of the ISBI 2012 evaluation, in the reference's order (cell threshold rising,
 * membrane threshold t falling from 1 to 0). A pixel is cell at a step when isCell says so.
 */
export const ISBI_THRESHOLDS: readonly IsbiThreshold[] = (() => {
  const steps: IsbiThreshold[] = [];
  // Accumulate like the reference, rounding errors included, so ties fall the same way.
  for (let th = 0, k = 0; th <= 1; th += 0.1, k++) steps.push({ threshold: (10 - k) / 10, cellThreshold: th });
  return steps;
})();

/**
 * Whether a pixel of membrane probability `membrane` is cell at a step: its cell probability,
 * as the 32-bit float a challenge submission holds (1 − membrane), is above the step's cell
 * threshold, as in Fiji (`proposal > binaryThreshold`). Away from exact ties this is
 * `membrane < t`. Neither end is fully degenerate, as in the reference: at t = 1 every pixel
 * below certain membrane (probability 1) is cell, which is how a binary map is scored (Fiji's
 * "binary proposal" mode uses only this step); at t = 0 only certain cell (probability 0) is.
 */
export function isCell(membrane: number, cellThreshold: number): boolean {
  return Math.fround(1 - membrane) > cellThreshold;
}
