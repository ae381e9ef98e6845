import type { ReviewTile } from '../../../../protocol/contract.js';
import type { DrawContext, LayerView } from './Layer.js';
import { ToolLayer } from './ToolLayer.js';

/**
 * The place to check (N): an outline around the region of the slice where the model is least
 * sure, drawn on that slice only. White over a dark halo, so it reads over any image, prediction
 * colour map or correction colour.
 */
export class ReviewBoxLayer extends ToolLayer {
  readonly id = 'reviewBox';
  readonly name = 'Place to check';
  constructor(private readonly place: () => ReviewTile | null) {
    super();
  }
  protected inputs(): readonly unknown[] {
    return [this.place()];
  }
  draw(context: DrawContext, view: LayerView): void {
    const tile = this.place();
    if (!tile || tile.z !== view.z) return;
    // Just outside the region, so the outline covers none of the pixels to check.
    const gap = 2 / view.scale;
    const x = tile.x - gap;
    const y = tile.y - gap;
    const width = tile.width + 2 * gap;
    const height = tile.height + 2 * gap;
    context.lineJoin = 'miter';
    context.strokeStyle = 'rgba(0, 0, 0, 0.65)';
    context.lineWidth = 4 / view.scale;
    context.strokeRect(x, y, width, height);
    context.strokeStyle = 'rgba(255, 255, 255, 0.95)';
    context.lineWidth = 2 / view.scale;
    context.strokeRect(x, y, width, height);
  }
}
