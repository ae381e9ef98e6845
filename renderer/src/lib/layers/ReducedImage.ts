import { OffscreenSurface } from '../OffscreenSurface.js';

/** Reductions beyond 1/16 are not made: a slice that small on screen is fine resampled directly. */
const MAX_LEVEL = 4;

/**
 * An image drawn smaller once (a level of a mip pyramid), for a view zoomed out below 1/2: drawing
 * the full image at, say, 15 % with smoothing resamples every source pixel on every frame (about
 * 9 ms for a 4096² slice in software rendering, on each frame of a brush stroke), while drawing
 * this reduction costs about what the screen shows. Made again only when the image or the level
 * changes.
 */
export class ReducedImage {
  readonly #surface = new OffscreenSurface();
  #made: { version: readonly unknown[]; level: number } | null = null;

  /** The power-of-two reduction to draw from at this scale (0: draw the image itself). */
  static levelFor(scale: number): number {
    return scale >= 0.5 ? 0 : Math.min(MAX_LEVEL, Math.floor(Math.log2(1 / scale)));
  }

  /**
   * `image` (width × height) reduced by 2^level, remade when `version` (what the image shows)
   * or the level changed since the last call; null where there is no 2D canvas.
   */
  of(image: CanvasImageSource, width: number, height: number, version: readonly unknown[], level: number): CanvasImageSource | null {
    const factor = 2 ** level;
    const target = this.#surface.ofSize(Math.max(1, Math.ceil(width / factor)), Math.max(1, Math.ceil(height / factor)));
    if (!target) return null;
    const made = this.#made;
    const same = made && made.level === level && made.version.length === version.length && made.version.every((value, k) => Object.is(value, version[k]));
    if (target.resized || !same) {
      const { context, surface } = target;
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, surface.width, surface.height);
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = 'high';
      context.drawImage(image, 0, 0, width / factor, height / factor);
      this.#made = { version, level };
    }
    return target.surface;
  }

  dispose(): void {
    this.#surface.dispose();
    this.#made = null;
  }
}
