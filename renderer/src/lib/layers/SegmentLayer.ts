import type { NeuronSession } from '../neurons/NeuronSession.svelte.js';
import { SegmentImage } from '../neurons/SegmentImage.js';
import { ChangeCounter } from './ChangeCounter.js';
import type { DrawContext, Layer, LayerView } from './Layer.js';
import { clampOpacity } from './LayerSettings.svelte.js';

/**
 * The project's neuron segments on the slice, each in its colour, filled or outlined (U), the
 * selection stronger and outlined in white. Its opacity is the fills' (outlines stay opaque), so
 * it is part of the pixels, not the layer's alpha. Shown or hidden with I.
 */
export class SegmentLayer implements Layer {
  readonly id = 'segments';
  readonly name = 'Neurons';
  readonly #neurons: () => NeuronSession | null;
  readonly #z: () => number;
  readonly #counter = new ChangeCounter();
  readonly #image = new SegmentImage();

  constructor(neurons: () => NeuronSession | null, z: () => number) {
    this.#neurons = neurons;
    this.#z = z;
  }

  get available(): boolean {
    return !!this.#neurons()?.info;
  }
  get visible(): boolean {
    return this.#neurons()?.show ?? true;
  }
  get opacity(): number {
    return this.#neurons()?.opacity ?? 1;
  }
  get revision(): number {
    const n = this.#neurons();
    if (!n) return this.#counter.of([null]);
    const z = this.#z();
    return this.#counter.of([n, n.revision, n.info, n.outline, n.opacity, n.selection, n.hidden, z, n.slice(z)]);
  }
  setVisible(visible: boolean): void {
    const n = this.#neurons();
    if (n && n.show !== visible) n.toggleShow();
  }
  setOpacity(opacity: number): void {
    this.#neurons()?.setOpacity(clampOpacity(opacity));
  }

  draw(context: DrawContext, view: LayerView): void {
    const n = this.#neurons();
    const ids = n?.slice(view.z);
    if (!n || !ids) return;
    const image = this.#image.update(ids, n.width, n.height, { outline: n.outline, opacity: n.opacity, selection: n.selection, hidden: n.hidden }, n.revision, view.z);
    if (!image) return;
    context.globalAlpha = 1;
    context.imageSmoothingEnabled = false;
    context.drawImage(image, 0, 0);
  }

  dispose(): void {
    this.#image.dispose();
  }
}
