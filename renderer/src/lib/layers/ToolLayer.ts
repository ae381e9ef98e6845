import { ChangeCounter } from './ChangeCounter.js';
import type { DrawContext, Layer, LayerView } from './Layer.js';
import { SelfSettledLayer } from './LayerSettings.svelte.js';

/**
 * A tool overlay (brush outline, lasso, cut line, seeds, place to check): vector marks drawn
 * over the data in image coordinates, with line widths in screen pixels. Each kind says what it
 * follows (`inputs`, which are also its revision) and how it draws; visibility and opacity are
 * its own.
 */
export abstract class ToolLayer extends SelfSettledLayer implements Layer {
  abstract readonly id: string;
  abstract readonly name: string;
  readonly #counter = new ChangeCounter();

  get available(): boolean {
    return true;
  }
  get revision(): number {
    return this.#counter.of(this.inputs());
  }

  /** What the marks follow; arrays grown in place are listed with their length. */
  protected abstract inputs(): readonly unknown[];
  abstract draw(context: DrawContext, view: LayerView): void;
}

/** A polyline through image points, `width` screen pixels wide (device pixels: divided by the view's scale). */
export function tracePath(context: DrawContext, points: readonly { x: number; y: number }[], close: boolean): void {
  context.beginPath();
  context.moveTo(points[0]!.x, points[0]!.y);
  for (const p of points) context.lineTo(p.x, p.y);
  if (close) context.closePath();
}
