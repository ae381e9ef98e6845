import { OffscreenSurface } from '../OffscreenSurface.js';
import { renderSegments, type SegmentStyle } from './renderSegments.js';

/** One slice's neuron segments as RGBA in an offscreen canvas, drawn over the image; re-rendered when the ids or style change. */
export class SegmentImage {
  readonly #surface = new OffscreenSurface();
  #rgba: Uint8ClampedArray<ArrayBuffer> | null = null;
  #key = '';

  update(ids: Uint32Array, width: number, height: number, style: SegmentStyle, revision: number, z: number): CanvasImageSource | null {
    const target = this.#surface.ofSize(width, height);
    if (!target) return null;
    const key = `${z}|${revision}|${style.outline}|${style.opacity}|${style.selection.join(',')}|${style.hidden.join(',')}`;
    if (!target.resized && key === this.#key) return target.surface;
    if (!this.#rgba || this.#rgba.length !== width * height * 4) this.#rgba = new Uint8ClampedArray(width * height * 4);
    renderSegments(this.#rgba, ids, width, height, style);
    target.context.putImageData(new ImageData(this.#rgba, width, height), 0, 0);
    this.#key = key;
    return target.surface;
  }

  dispose(): void {
    this.#surface.dispose();
    this.#rgba = null;
    this.#key = '';
  }
}
