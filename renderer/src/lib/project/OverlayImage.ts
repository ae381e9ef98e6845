import type { LabelChange } from '../../../../protocol/contract.js';
import { overlayLut, renderOverlay, renderOverlayPixels, type OverlayStyle } from '../paint/renderOverlay.js';
import { OffscreenSurface } from '../OffscreenSurface.js';
import type { OverlayLayers } from './ProjectSession.svelte.js';


/**
 * The prediction and corrections of one slice as RGBA in an offscreen canvas, drawn over the
 * image. A style or slice change re-renders the whole slice; a brush stroke re-renders only its
 * pixels and uploads only their bounding box, so painting stays within a frame on big slices.
 */
export class OverlayImage {
  readonly #surface = new OffscreenSurface();
  #rgba: Uint8ClampedArray<ArrayBuffer> | null = null;
  #layers: OverlayLayers | null = null;
  #prediction: Uint8Array | null = null;
  #style: OverlayStyle | null = null;
  #lut: Uint32Array | null = null;

  /** The drawable overlay, brought up to date; `changes` are the pixels changed since the last call ('all': unknown). */
  update(layers: OverlayLayers, style: OverlayStyle, changes: LabelChange[] | 'all'): CanvasImageSource | null {
    const target = this.#surface.ofSize(layers.width, layers.height);
    if (!target) return null;
    const { surface, context } = target;
    // A resized canvas is cleared: render everything again.
    const same = !target.resized && this.#rgba && layers === this.#layers && layers.prediction === this.#prediction && style === this.#style;
    if (same && changes !== 'all') {
      let image: ImageData | null = null;
      for (const change of changes) {
        if (change.z !== layers.z) continue;
        const box = renderOverlayPixels(this.#rgba!, layers.prediction, layers.labels, style, change.indices, layers.width, this.#lut!);
        if (!box) continue;
        image ??= new ImageData(this.#rgba!, layers.width, layers.height);
        context.putImageData(image, 0, 0, box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
      }
      return surface;
    }
    if (!this.#rgba || this.#rgba.length !== layers.width * layers.height * 4) this.#rgba = new Uint8ClampedArray(layers.width * layers.height * 4);
    renderOverlay(this.#rgba, layers.prediction, layers.labels, style);
    this.#lut = overlayLut(style);
    context.putImageData(new ImageData(this.#rgba, layers.width, layers.height), 0, 0);
    this.#layers = layers;
    this.#prediction = layers.prediction;
    this.#style = style;
    return surface;
  }

  dispose(): void {
    this.#surface.dispose();
    this.#rgba = null;
    this.#layers = null;
    this.#prediction = null;
    this.#style = null;
  }
}
