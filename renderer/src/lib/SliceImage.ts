import { OffscreenSurface } from './OffscreenSurface.js';
import { renderSlice, type DisplayRange, type SliceData } from './renderSlice.js';

/**
 * A slice converted to RGBA under a contrast window, kept in an offscreen canvas so that
 * panning and zooming only call drawImage. Reconverts only when the slice or window changes.
 */
export class SliceImage {
  readonly #surface = new OffscreenSurface();
  #drawn: CanvasImageSource | null = null;
  #rgba: Uint8ClampedArray<ArrayBuffer> | undefined;
  #slice: SliceData | null = null;
  #range: DisplayRange | null = null;

  /** The drawable image for this slice and window, or null where the platform has no 2D canvas. */
  update(slice: SliceData, range: DisplayRange): CanvasImageSource | null {
    if (this.#drawn && slice === this.#slice && range.low === this.#range?.low && range.high === this.#range.high) {
      return this.#drawn;
    }
    const target = this.#surface.ofSize(slice.width, slice.height);
    if (!target) return null;
    const { surface, context } = target;
    this.#rgba = renderSlice(slice, range, this.#rgba);
    context.putImageData(new ImageData(this.#rgba, slice.width, slice.height), 0, 0);
    this.#slice = slice;
    this.#range = { ...range };
    this.#drawn = surface;
    return surface;
  }

  /** Frees the pixel memory (a 4096² slice holds 64 MB of RGBA twice over). */
  dispose(): void {
    this.#surface.dispose();
    this.#drawn = null;
    this.#rgba = undefined;
    this.#slice = null;
    this.#range = null;
  }
}
