/**
 * How sharp to draw while the view moves. Without a GPU every pixel costs CPU time, so while the
 * user orbits, frames are drawn at a lower resolution that keeps them near `targetMilliseconds`,
 * and one full-resolution frame follows when the motion stops. With a GPU frames stay fast and
 * the scale stays at 1.
 */
export class AdaptiveResolution {
  readonly #targetMilliseconds: number;
  readonly #minimumScale: number;
  #scale = 1;

  constructor(targetMilliseconds = 40, minimumScale = 0.4) {
    this.#targetMilliseconds = targetMilliseconds;
    this.#minimumScale = minimumScale;
  }

  /** The fraction of the device pixel ratio to draw moving frames at. */
  get scale(): number {
    return this.#scale;
  }

  /**
   * A moving frame came `intervalMilliseconds` after the previous one. Pixel cost goes with the
   * square of the scale, so the scale moves by the square root of the miss, in bounded steps
   * (one slow frame from a hiccup elsewhere must not blur the view at once).
   */
  frameWhileMoving(intervalMilliseconds: number): void {
    if (!(intervalMilliseconds > 0)) return;
    // A dead band around the target, so the scale settles instead of see-sawing.
    if (intervalMilliseconds > 0.7 * this.#targetMilliseconds && intervalMilliseconds < 1.25 * this.#targetMilliseconds) return;
    const step = Math.sqrt(this.#targetMilliseconds / intervalMilliseconds);
    const bounded = Math.min(1.15, Math.max(0.8, step));
    this.#scale = Math.min(1, Math.max(this.#minimumScale, this.#scale * bounded));
  }
}
