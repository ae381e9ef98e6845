import { OffscreenSurface } from '../OffscreenSurface.js';
import { overlayLut, type OverlayStyle } from '../paint/overlayLut.js';
import type { OverlayLayers } from '../project/ProjectSession.svelte.js';
import { ChangeCounter } from './ChangeCounter.js';
import type { DrawContext, Layer, LayerView } from './Layer.js';
import { lookUpRows, paintStrips } from './paintStrips.js';
import { clampOpacity } from './LayerSettings.svelte.js';

export interface OverlaySource {
  /** The open project's overlay layers of slice z, if loaded; null without a project. */
  layers(z: number): OverlayLayers | null;
  /** True while a project is open. */
  open(): boolean;
  /** The slice on screen. */
  z(): number;
  /** Changes whenever a slice's layers change (loaded, predicted, edited in place); reading it subscribes to those changes. */
  revision(): number;
  /** The overlay style (toggled by keys O, C, T and set in the panel); null without a project. */
  style(): OverlayStyle | null;
  setShown(part: 'prediction' | 'corrections', shown: boolean): void;
  setOpacity(part: 'prediction' | 'corrections', opacity: number): void;
}

/**
 * The predicted membrane probability over the image, in the chosen colour map, as probability
 * (the colour fades in with it) or thresholded. Rendered at full strength once per (slice,
 * prediction, mode, threshold, colour map) and drawn at the layer's opacity, so moving the
 * opacity slider does not render a pixel.
 */
export class PredictionLayer implements Layer {
  readonly id = 'predictions';
  readonly name = 'Predicted membranes';
  readonly #source: OverlaySource;
  readonly #counter = new ChangeCounter();
  readonly #surface = new OffscreenSurface();
  #rendered: readonly unknown[] = [];

  constructor(source: OverlaySource) {
    this.#source = source;
  }

  get available(): boolean {
    return this.#source.open();
  }
  get visible(): boolean {
    return this.#source.style()?.showPrediction ?? true;
  }
  get opacity(): number {
    return this.#source.style()?.opacity ?? 1;
  }
  get revision(): number {
    return this.#counter.of(this.#inputs());
  }
  setVisible(visible: boolean): void {
    this.#source.setShown('prediction', visible);
  }
  setOpacity(opacity: number): void {
    this.#source.setOpacity('prediction', clampOpacity(opacity));
  }

  draw(context: DrawContext, view: LayerView): void {
    const layers = this.#source.layers(view.z);
    const prediction = layers?.prediction;
    const style = this.#source.style();
    if (!layers || !prediction || !style) return;
    const target = this.#surface.ofSize(layers.width, layers.height);
    if (!target) return;
    const inputs = this.#inputs(view.z);
    if (target.resized || inputs.some((value, k) => !Object.is(value, this.#rendered[k]))) {
      const lut = overlayLut({ ...style, showPrediction: true, opacity: 1 });
      paintStrips(target.context, { x0: 0, y0: 0, x1: layers.width, y1: layers.height }, (pixels, x0, y0, width, rows) => lookUpRows(pixels, prediction, layers.width, lut, 0, x0, y0, width, rows));
      this.#rendered = inputs;
    }
    context.imageSmoothingEnabled = false;
    context.drawImage(target.surface, 0, 0);
  }

  dispose(): void {
    this.#surface.dispose();
    this.#rendered = [];
  }

  /** What the rendered colours follow (not the opacity: that is the layer's alpha). */
  #inputs(z = this.#source.z()): unknown[] {
    // The layers are held in a plain map: the session's revision says when they may have changed.
    void this.#source.revision();
    const style = this.#source.style();
    const layers = this.#source.layers(z);
    return [layers, layers?.prediction, style?.mode, style?.threshold, style?.colormap];
  }
}
