import { renderSlice, type DisplayRange, type SliceData } from './renderSlice.js';

type Surface = OffscreenCanvas | HTMLCanvasElement;

/**
 * A slice converted to RGBA under a contrast window, kept in an offscreen canvas so that
 * panning and zooming only call drawImage. Reconverts only when the slice or window changes.
 */
export class SliceImage {
  #surface: Surface | null = null;
  #rgba: Uint8ClampedArray<ArrayBuffer> | undefined;
  #slice: SliceData | null = null;
  #range: DisplayRange | null = null;

  /** The drawable image for this slice and window, or null where the platform has no 2D canvas. */
  update(slice: SliceData, range: DisplayRange): CanvasImageSource | null {
    if (this.#surface && slice === this.#slice && range.low === this.#range?.low && range.high === this.#range.high) {
      return this.#surface;
    }
    const surface = this.#surfaceOfSize(slice.width, slice.height);
    const context = surface.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
    if (!context) return null;
    this.#rgba = renderSlice(slice, range, this.#rgba);
    context.putImageData(new ImageData(this.#rgba, slice.width, slice.height), 0, 0);
    this.#slice = slice;
    this.#range = { ...range };
    return surface;
  }

  /** Frees the pixel memory (a 4096² slice holds 64 MB of RGBA twice over). */
  dispose(): void {
    if (this.#surface) {
      this.#surface.width = 0;
      this.#surface.height = 0;
    }
    this.#surface = null;
    this.#rgba = undefined;
    this.#slice = null;
    this.#range = null;
  }

  #surfaceOfSize(width: number, height: number): Surface {
    if (!this.#surface) {
      this.#surface = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : document.createElement('canvas');
    }
    if (this.#surface.width !== width || this.#surface.height !== height) {
      this.#surface.width = width;
      this.#surface.height = height;
    }
    return this.#surface;
  }
}
