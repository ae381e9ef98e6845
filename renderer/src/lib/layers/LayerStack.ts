import type { DrawContext, Layer, LayerEntry, LayerView } from './Layer.js';

/**
 * The slice viewer's ordered table of layers, bottom first. render() repaints the canvas only
 * when something drawn changed since the last repaint: the view, or a drawn layer's revision,
 * visibility or opacity (or a layer coming or going). Hidden layers are skipped and told so
 * (idle), so they let go of tiles they asked for.
 *
 * The layers panel reads `entries` (reactive where it is read in a component or effect: each
 * entry reads its layer's owners) and changes them with setVisible / setOpacity.
 */
export class LayerStack {
  readonly #layers: readonly Layer[];
  #lastKey: number[] | null = null;

  constructor(layers: readonly Layer[]) {
    const seen = new Set<string>();
    for (const layer of layers) {
      if (seen.has(layer.id)) throw new Error(`LayerStack: two layers have the id '${layer.id}'; each layer needs its own.`);
      seen.add(layer.id);
    }
    this.#layers = layers;
  }

  /** The layers, bottom first. */
  get layers(): readonly Layer[] {
    return this.#layers;
  }

  /** The table as the layers panel lists it, bottom first. */
  get entries(): LayerEntry[] {
    return this.#layers.map((layer) => ({ id: layer.id, name: layer.name, available: layer.available, visible: layer.visible, opacity: layer.opacity }));
  }

  layer(id: string): Layer {
    const layer = this.#layers.find((l) => l.id === id);
    if (!layer) throw new Error(`There is no layer '${id}'; the layers are ${this.#layers.map((l) => `'${l.id}'`).join(', ')}.`);
    return layer;
  }

  setVisible(id: string, visible: boolean): void {
    this.layer(id).setVisible(visible);
  }

  setOpacity(id: string, opacity: number): void {
    this.layer(id).setOpacity(opacity);
  }

  /**
   * Reads what a repaint depends on and returns it as a key (in a Svelte effect this subscribes
   * the effect to every drawn layer's inputs, so it can ask for a repaint when one changes).
   */
  track(view: LayerView | null): number[] {
    const key = view ? [view.z, view.scale, view.offsetX, view.offsetY, view.width, view.height] : [-1, 0, 0, 0, 0, 0];
    for (const layer of this.#layers) {
      if (view && drawn(layer)) key.push(1, layer.opacity, layer.revision);
      else key.push(0);
    }
    return key;
  }

  /** Repaints if anything drawn changed since the last repaint; true when it painted. `view` null: nothing to show (the canvas is cleared). */
  render(context: DrawContext, view: LayerView | null, canvas: { width: number; height: number }): boolean {
    const key = this.track(view);
    const last = this.#lastKey;
    if (last && last.length === key.length && key.every((value, k) => Object.is(value, last[k]))) return false;
    this.#lastKey = key;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.globalAlpha = 1;
    context.clearRect(0, 0, canvas.width, canvas.height);
    for (const layer of this.#layers) {
      if (!view || !drawn(layer)) {
        layer.idle?.(view);
        continue;
      }
      context.save();
      context.setTransform(view.scale, 0, 0, view.scale, view.offsetX, view.offsetY);
      context.globalAlpha = layer.opacity;
      layer.draw(context, view);
      context.restore();
    }
    return true;
  }

  /** The next render repaints whatever changed (the canvas was cleared by a resize, say). */
  invalidate(): void {
    this.#lastKey = null;
  }

  dispose(): void {
    for (const layer of this.#layers) layer.dispose?.();
    this.#lastKey = null;
  }
}

function drawn(layer: Layer): boolean {
  return layer.available && layer.visible && layer.opacity > 0;
}
