/** Resolution steps for moving frames, as fractions of the device pixel ratio. */
export const RESOLUTION_STEPS = [1, 0.75, 0.5, 0.35] as const;
/** Moving frames to judge before another step: each step reallocates the drawing buffer. */
const FRAMES_PER_DECISION = 6;

/**
 * How sharp to draw while the view moves. Without a GPU every pixel costs CPU time, so while the
 * user orbits, frames are drawn at a lower resolution that keeps them near `targetMilliseconds`,
 * and one full-resolution frame follows when the motion stops. With a GPU frames stay fast and
 * the scale stays at 1. Steps are coarse and judged over several frames: resizing the canvas
 * stalls the pipeline, so a scale that changed every frame would cost more than it saves.
 */
export class AdaptiveResolution {
  readonly #targetMilliseconds: number;
  #step = 0;
  #intervals: number[] = [];

  constructor(targetMilliseconds = 45) {
    this.#targetMilliseconds = targetMilliseconds;
  }

  /** The fraction of the device pixel ratio to draw moving frames at. */
  get scale(): number {
    return RESOLUTION_STEPS[this.#step]!;
  }

  /** A moving frame came `intervalMilliseconds` after the previous one. */
  frameWhileMoving(intervalMilliseconds: number): void {
    // The first frame of a motion follows an idle gap: no measure of the frame rate.
    if (!(intervalMilliseconds > 0) || intervalMilliseconds > 2000) return;
    this.#intervals.push(intervalMilliseconds);
    if (this.#intervals.length < FRAMES_PER_DECISION) return;
    const sorted = [...this.#intervals].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    this.#intervals = [];
    if (median > 1.25 * this.#targetMilliseconds) this.#step = Math.min(RESOLUTION_STEPS.length - 1, this.#step + 1);
    // Step back up only with room to spare: pixels cost about the square of the scale.
    else if (median < 0.5 * this.#targetMilliseconds) this.#step = Math.max(0, this.#step - 1);
  }
}
