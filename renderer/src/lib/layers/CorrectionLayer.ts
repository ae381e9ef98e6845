import type { LabelChange } from '../../../../protocol/contract.js';
import { OffscreenSurface } from '../OffscreenSurface.js';
import { LABEL_OFFSET, overlayLut } from '../paint/overlayLut.js';
import type { OverlayLayers } from '../project/ProjectSession.svelte.js';
import { ChangeCounter } from './ChangeCounter.js';
import type { DrawContext, Layer, LayerView } from './Layer.js';
import { clampOpacity } from './LayerSettings.svelte.js';
import { boxOf, lookUpRows, paintStrips, type PixelBox } from './paintStrips.js';
import type { OverlaySource } from './PredictionLayer.js';

export interface CorrectionSource extends OverlaySource {
  /** The pixel changes since the last call ('all': unknown, render everything); clears them. */
  takeChanges(): LabelChange[] | 'all';
}

/**
 * The user's corrections: painted membrane and cell, in their fixed colours at the layer's
 * opacity. A slice is rendered whole once; after that only the boxes around changed pixels
 * (a stroke's new pixels as the pointer moves, a fill, an undo) are rendered and put, so
 * painting on a 4096² slice stays within a frame. The engine's echo of a stroke already on
 * screen changes no pixel, so the session reports no change and nothing is drawn again.
 */
export class CorrectionLayer implements Layer {
  readonly id = 'corrections';
  readonly name = 'Corrections';
  readonly #source: CorrectionSource;
  readonly #counter = new ChangeCounter();
  readonly #surface = new OffscreenSurface();
  /** The layers (and so the slice) the surface holds, or null when it must be rendered whole. */
  #rendered: OverlayLayers | null = null;

  constructor(source: CorrectionSource) {
    this.#source = source;
  }

  get available(): boolean {
    return this.#source.open();
  }
  get visible(): boolean {
    return this.#source.style()?.showCorrections ?? true;
  }
  get opacity(): number {
    return this.#source.style()?.correctionOpacity ?? 1;
  }
  get revision(): number {
    return this.#counter.of([this.#source.revision(), this.#source.layers(this.#source.z())]);
  }
  setVisible(visible: boolean): void {
    this.#source.setShown('corrections', visible);
  }
  setOpacity(opacity: number): void {
    this.#source.setOpacity('corrections', clampOpacity(opacity));
  }

  draw(context: DrawContext, view: LayerView): void {
    const layers = this.#source.layers(view.z);
    const changes = this.#source.takeChanges();
    const style = this.#source.style();
    if (!layers || !style) return;
    const target = this.#surface.ofSize(layers.width, layers.height);
    if (!target) return;
    const lut = overlayLut({ ...style, showPrediction: false, correctionOpacity: 1 });
    const whole = target.resized || layers !== this.#rendered || changes === 'all';
    const boxes: (PixelBox | null)[] = whole ? [{ x0: 0, y0: 0, x1: layers.width, y1: layers.height }] : changes.filter((c) => c.z === layers.z).map((c) => boxOf(c.indices, layers.width));
    for (const box of boxes) {
      if (box) paintStrips(target.context, box, (pixels, x0, y0, width, rows) => lookUpRows(pixels, layers.labels, layers.width, lut, LABEL_OFFSET, x0, y0, width, rows));
    }
    this.#rendered = layers;
    context.imageSmoothingEnabled = false;
    context.drawImage(target.surface, 0, 0);
  }

  idle(): void {
    // Hidden: changes are not drawn, so the surface must be rendered whole when shown again.
    this.#source.takeChanges();
    this.#rendered = null;
  }

  dispose(): void {
    this.#surface.dispose();
    this.#rendered = null;
  }
}
