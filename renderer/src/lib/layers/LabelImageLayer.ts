import type { TiledVolumeInfo } from '../../../../protocol/contract.js';
import { OffscreenSurface } from '../OffscreenSurface.js';
import type { TileStore } from '../TileStore.svelte.js';
import { ChangeCounter } from './ChangeCounter.js';
import { drawTiles } from './drawTiles.js';
import type { DrawContext, Layer, LayerView } from './Layer.js';

export interface LabelImageSource {
  /** The label image open over the volume (a segmentation), or null. */
  labels(): TiledVolumeInfo | null;
  tiles: TileStore;
  visible(): boolean;
  setVisible(visible: boolean): void;
  opacity(): number;
  setOpacity(opacity: number): void;
}

/**
 * A label image opened over the volume (`membrana segment … -o neurons.ome.zarr`), tile by tile
 * in segment colours. Its visibility and opacity are the workspace's (Shift+I, the labels chip).
 */
export class LabelImageLayer implements Layer {
  readonly id = 'labelImage';
  readonly name = 'Label image';
  readonly #source: LabelImageSource;
  readonly #counter = new ChangeCounter();
  /** Tiles are drawn opaque in here, then laid over at the opacity: a fine tile over a coarser one while loading must not double it. */
  readonly #surface = new OffscreenSurface();

  constructor(source: LabelImageSource) {
    this.#source = source;
  }

  get available(): boolean {
    return this.#source.labels() !== null;
  }
  get visible(): boolean {
    return this.#source.visible();
  }
  get opacity(): number {
    return this.#source.opacity();
  }
  get revision(): number {
    return this.#counter.of([this.#source.labels(), this.#source.tiles.revision]);
  }
  setVisible(visible: boolean): void {
    this.#source.setVisible(visible);
  }
  setOpacity(opacity: number): void {
    this.#source.setOpacity(opacity);
  }

  draw(context: DrawContext, view: LayerView): void {
    const labels = this.#source.labels();
    const target = labels ? this.#surface.ofSize(view.width, view.height) : null;
    if (!labels || !target) return;
    const layer = target.context;
    layer.setTransform(1, 0, 0, 1, 0, 0);
    layer.clearRect(0, 0, view.width, view.height);
    layer.setTransform(context.getTransform());
    drawTiles(layer, view, labels, this.#source.tiles, view.z, { low: 0, high: 1 });
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.imageSmoothingEnabled = false;
    context.drawImage(target.surface, 0, 0);
  }

  idle(): void {
    this.#source.tiles.settle([]);
  }

  dispose(): void {
    this.#surface.dispose();
  }
}
