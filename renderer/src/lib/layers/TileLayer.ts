import type { TiledVolumeInfo } from '../../../../protocol/contract.js';
import type { DisplayRange } from '../renderSlice.js';
import type { TileStore } from '../TileStore.svelte.js';
import { ChangeCounter } from './ChangeCounter.js';
import { drawTiles } from './drawTiles.js';
import type { DrawContext, Layer, LayerView } from './Layer.js';
import { SelfSettledLayer } from './LayerSettings.svelte.js';

export interface TileSourceState {
  /** The open volume if it is read by tiles (OME-Zarr), else null. */
  volume(): TiledVolumeInfo | null;
  tiles: TileStore;
  range(): DisplayRange;
}

/**
 * The EM slice of a lazily read volume, tile by tile at the scale the zoom needs. It also times
 * how long from changing slice until every visible tile of that scale is on screen (the
 * 'membrana-tiles-complete' measure the lazy-viewing benchmark reads).
 */
export class TileLayer extends SelfSettledLayer implements Layer {
  readonly id = 'tiles';
  readonly name = 'Image';
  readonly #source: TileSourceState;
  readonly #counter = new ChangeCounter();
  /** The slice last drawn, and since when its finest tiles are awaited. */
  #z = -1;
  #since: number | null = null;

  constructor(source: TileSourceState) {
    super();
    this.#source = source;
  }

  get available(): boolean {
    return this.#source.volume() !== null;
  }
  get revision(): number {
    const range = this.#source.range();
    return this.#counter.of([this.#source.volume(), this.#source.tiles.revision, range.low, range.high]);
  }

  draw(context: DrawContext, view: LayerView): void {
    const volume = this.#source.volume();
    if (!volume) return;
    if (view.z !== this.#z) {
      this.#z = view.z;
      this.#since = performance.now();
    }
    const range = this.#source.range();
    const complete = drawTiles(context, view, volume, this.#source.tiles, view.z, { low: range.low, high: range.high });
    if (complete && this.#since !== null) {
      performance.measure('membrana-tiles-complete', { start: this.#since, end: performance.now() });
      this.#since = null;
    }
  }

  idle(): void {
    // Hidden: no tile is wanted, so none is fetched or kept on screen's account.
    if (this.#source.volume()) this.#source.tiles.settle([]);
  }
}
