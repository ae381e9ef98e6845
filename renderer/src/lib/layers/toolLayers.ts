import { CELL_CORRECTION_RGB, cssRgb, MEMBRANE_CORRECTION_RGB } from '../paint/overlayColors.js';
import type { Gesture } from '../project/Gesture.js';
import { CorrectionGesture } from '../project/CorrectionGesture.js';
import { SegmentGesture } from '../neurons/SegmentGesture.js';
import type { Point } from '../Viewport.svelte.js';
import type { DrawContext, LayerView } from './Layer.js';
import { ToolLayer, tracePath } from './ToolLayer.js';

/** The edit in progress as drawn on a slice (see ViewerInput.liveGesture). */
export type LiveGesture = (z: number) => Gesture | null;

/** The lasso outline being drawn, dashed white, closed back to its start. */
export class LassoLayer extends ToolLayer {
  readonly id = 'lasso';
  readonly name = 'Lasso outline';
  constructor(
    private readonly live: LiveGesture,
    private readonly z: () => number,
  ) {
    super();
  }
  #points(z: number): readonly Point[] | null {
    const gesture = this.live(z);
    return gesture instanceof CorrectionGesture ? gesture.lassoPoints() : null;
  }
  protected inputs(): readonly unknown[] {
    const points = this.#points(this.z());
    return [points, points?.length];
  }
  draw(context: DrawContext, view: LayerView): void {
    const points = this.#points(view.z);
    if (!points || points.length < 2) return;
    tracePath(context, points, true);
    context.lineWidth = 1.5 / view.scale;
    context.strokeStyle = 'rgba(255, 255, 255, 0.9)';
    context.setLineDash([4 / view.scale, 3 / view.scale]);
    context.stroke();
  }
}

/** The cut line being drawn across a segment (K), red. */
export class CutLineLayer extends ToolLayer {
  readonly id = 'cutLine';
  readonly name = 'Cut line';
  constructor(
    private readonly live: LiveGesture,
    private readonly z: () => number,
  ) {
    super();
  }
  #line(z: number): readonly Point[] | null {
    const gesture = this.live(z);
    return gesture instanceof SegmentGesture ? gesture.line() : null;
  }
  protected inputs(): readonly unknown[] {
    const line = this.#line(this.z());
    return [line, line?.length];
  }
  draw(context: DrawContext, view: LayerView): void {
    const line = this.#line(view.z);
    if (!line || line.length < 2) return;
    tracePath(context, line, false);
    context.lineWidth = 2 / view.scale;
    context.strokeStyle = 'rgba(255, 80, 80, 0.95)';
    context.stroke();
  }
}

/** The seeds placed for a split (J), white dots on their slice. */
export class SeedsLayer extends ToolLayer {
  readonly id = 'seeds';
  readonly name = 'Split seeds';
  constructor(private readonly seeds: () => readonly { x: number; y: number; z: number }[]) {
    super();
  }
  protected inputs(): readonly unknown[] {
    return [this.seeds()];
  }
  draw(context: DrawContext, view: LayerView): void {
    context.fillStyle = 'rgba(255, 255, 255, 0.95)';
    for (const seed of this.seeds()) {
      if (seed.z !== view.z) continue;
      context.beginPath();
      context.arc(seed.x, seed.y, 4 / view.scale, 0, Math.PI * 2);
      context.fill();
    }
  }
}

export interface BrushState {
  /** The image point under the mouse, or null. */
  cursor(): Point | null;
  /** The brush's radius and label while the brush is the tool in hand (and Space is not held), else null. */
  brush(): { radius: number; label: 'membrane' | 'cell' } | null;
}

/** The brush footprint under the mouse, so the user sees what a press will cover, in the colour of the label it paints. */
export class BrushCursorLayer extends ToolLayer {
  readonly id = 'brushCursor';
  readonly name = 'Brush outline';
  constructor(private readonly state: BrushState) {
    super();
  }
  protected inputs(): readonly unknown[] {
    const brush = this.state.brush();
    // The cursor only matters with the brush in hand: moving the mouse with another tool repaints nothing.
    return brush ? [this.state.cursor(), brush.radius, brush.label] : [null];
  }
  draw(context: DrawContext, view: LayerView): void {
    const cursor = this.state.cursor();
    const brush = this.state.brush();
    if (!cursor || !brush) return;
    context.beginPath();
    context.arc(cursor.x, cursor.y, brush.radius, 0, Math.PI * 2);
    context.lineWidth = 1.5 / view.scale;
    context.strokeStyle = cssRgb(brush.label === 'membrane' ? MEMBRANE_CORRECTION_RGB : CELL_CORRECTION_RGB);
    context.stroke();
  }
}
