type Surface = OffscreenCanvas | HTMLCanvasElement;

/**
 * An offscreen canvas that images are converted into once and then drawn with drawImage, so
 * panning and zooming never convert pixels again. Resized on demand; dispose() frees its pixels.
 */
export class OffscreenSurface {
  #surface: Surface | null = null;

  /** The canvas, at this size (resizing clears it), or null where there is no 2D canvas. */
  ofSize(width: number, height: number): { surface: Surface; context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D; resized: boolean } | null {
    if (!this.#surface) this.#surface = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : document.createElement('canvas');
    const resized = this.#surface.width !== width || this.#surface.height !== height;
    if (resized) {
      this.#surface.width = width;
      this.#surface.height = height;
    }
    const context = this.#surface.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
    return context ? { surface: this.#surface, context, resized } : null;
  }

  /** Frees the pixel memory (a 4096² canvas holds 64 MB). */
  dispose(): void {
    if (this.#surface) {
      this.#surface.width = 0;
      this.#surface.height = 0;
    }
    this.#surface = null;
  }
}
