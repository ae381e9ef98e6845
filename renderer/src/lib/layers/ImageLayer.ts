import type { DisplayRange, SliceData } from '../renderSlice.js';
import { SliceImage } from '../SliceImage.js';
import { ChangeCounter } from './ChangeCounter.js';
import type { DrawContext, Layer, LayerView } from './Layer.js';
import { SelfSettledLayer } from './LayerSettings.svelte.js';
import { ReducedImage } from './ReducedImage.js';

export interface ImageSource {
  /** The slice on screen of a volume held in memory, or null (nothing open, or a lazily read volume: see TileLayer). */
  slice(): SliceData | null;
  range(): DisplayRange;
}

/** The EM slice of a volume held in memory, under the contrast window; converted to RGBA once per (slice, window). */
export class ImageLayer extends SelfSettledLayer implements Layer {
  readonly id = 'image';
  readonly name = 'Image';
  readonly #source: ImageSource;
  readonly #image = new SliceImage();
  readonly #reduced = new ReducedImage();
  readonly #counter = new ChangeCounter();

  constructor(source: ImageSource) {
    super();
    this.#source = source;
  }

  get available(): boolean {
    return this.#source.slice() !== null;
  }
  get revision(): number {
    const range = this.#source.range();
    return this.#counter.of([this.#source.slice(), range.low, range.high]);
  }

  draw(context: DrawContext, view: LayerView): void {
    const slice = this.#source.slice();
    if (!slice) return;
    const range = this.#source.range();
    const image = this.#image.update(slice, { low: range.low, high: range.high });
    if (!image) return;
    // Crisp voxels from 1:1 up, as EM users expect; smooth only when shrinking.
    context.imageSmoothingEnabled = view.scale < 1;
    context.imageSmoothingQuality = 'medium';
    // Zoomed far out: from a reduction made once, not a resampling of the whole slice each frame.
    const level = ReducedImage.levelFor(view.scale);
    const reduced = level > 0 ? this.#reduced.of(image, slice.width, slice.height, [slice, range.low, range.high], level) : null;
    if (reduced) {
      context.imageSmoothingQuality = 'low';
      context.drawImage(reduced, 0, 0, slice.width, slice.height);
    } else context.drawImage(image, 0, 0);
  }

  dispose(): void {
    this.#image.dispose();
    this.#reduced.dispose();
  }
}
