import type { ReviewTile } from '../../../../protocol/contract.js';
import type { DrawContext, LayerView } from './Layer.js';
import { ToolLayer } from './ToolLayer.js';

/**
 * The place to check (N): an outline around the region of the slice where the model is least
 * sure, drawn on that slice only. White over a dark halo, so it reads over any image, prediction
 * colour map or correction colour. It runs just outside the region, so it covers none of the
 * pixels to check, except along the image's own edge, where outside would be off the image (and
 * often off the view): there it runs just inside.
 */
export class ReviewBoxLayer extends ToolLayer {
  readonly id = 'reviewBox';
  readonly name = 'Place to check';
  constructor(
    private readonly place: () => ReviewTile | null,
    private readonly imageSize: () => { width: number; height: number } | null,
  ) {
    super();
  }
  protected inputs(): readonly unknown[] {
    return [this.place()];
  }
  draw(context: DrawContext, view: LayerView): void {
    const tile = this.place();
    const size = this.imageSize();
    if (!tile || !size || tile.z !== view.z) return;
    const halo = 4 / view.scale;
    const line = 2 / view.scale;
    // Outside by the line's width; inside by half the halo's where the region meets the image edge.
    const outside = line;
    const inside = -halo / 2;
    const x0 = tile.x - (tile.x > 0 ? outside : inside);
    const y0 = tile.y - (tile.y > 0 ? outside : inside);
    const x1 = tile.x + tile.width + (tile.x + tile.width < size.width ? outside : inside);
    const y1 = tile.y + tile.height + (tile.y + tile.height < size.height ? outside : inside);
    context.lineJoin = 'miter';
    context.strokeStyle = 'rgba(0, 0, 0, 0.65)';
    context.lineWidth = halo;
    context.strokeRect(x0, y0, x1 - x0, y1 - y0);
    context.strokeStyle = 'rgba(255, 255, 255, 0.95)';
    context.lineWidth = line;
    context.strokeRect(x0, y0, x1 - x0, y1 - y0);
  }
}
