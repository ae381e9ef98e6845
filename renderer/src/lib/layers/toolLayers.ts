import { CELL_CORRECTION_RGB, cssRgb, MEMBRANE_CORRECTION_RGB } from '../paint/overlayColors.js';
import type { Gesture } from '../project/Gesture.js';
import { CorrectionGesture } from '../project/CorrectionGesture.js';
import { SegmentGesture } from '../neurons/SegmentGesture.js';
import type { Point } from '../Viewport.svelte.js';
import type { DrawContext, LayerView } from './Layer.js';
import { ToolLayer, tracePath } from './ToolLayer.js';

/** The edit in progress as drawn on a slice (see ViewerInput.liveGesture). */
export type LiveGesture = (z: number) => Gesture | null;

/** How a gesture's path is stroked: width in screen pixels, dashes in screen pixels. */
export interface PathStyle {
  closed: boolean;
  width: number;
  colour: string;
  dash?: readonly number[];
}

/** The path of the edit in progress on the slice shown (a lasso outline, a cut line), as `path` reads it from the gesture. */
export class GesturePathLayer extends ToolLayer {
  constructor(
    readonly id: string,
    readonly name: string,
    private readonly live: LiveGesture,
    private readonly z: () => number,
    private readonly path: (gesture: Gesture | null) => readonly Point[] | null,
    private readonly style: PathStyle,
  ) {
    super();
  }
  protected inputs(): readonly unknown[] {
    const points = this.path(this.live(this.z()));
    return [points, points?.length];
  }
  draw(context: DrawContext, view: LayerView): void {
    const points = this.path(this.live(view.z));
    if (!points || points.length < 2) return;
    tracePath(context, points, this.style.closed);
    context.lineWidth = this.style.width / view.scale;
    context.strokeStyle = this.style.colour;
    if (this.style.dash) context.setLineDash(this.style.dash.map((d) => d / view.scale));
    context.stroke();
  }
}

/** The lasso outline being drawn (L), dashed white, closed back to its start. */
export function lassoLayer(live: LiveGesture, z: () => number): GesturePathLayer {
  return new GesturePathLayer('lasso', 'Lasso outline', live, z, (g) => (g instanceof CorrectionGesture ? g.lassoPoints() : null), {
    closed: true,
    width: 1.5,
    colour: 'rgba(255, 255, 255, 0.9)',
    dash: [4, 3],
  });
}

/** The cut line being drawn across a segment (K), red. */
export function cutLineLayer(live: LiveGesture, z: () => number): GesturePathLayer {
  return new GesturePathLayer('cutLine', 'Cut line', live, z, (g) => (g instanceof SegmentGesture ? g.line() : null), { closed: false, width: 2, colour: 'rgba(255, 80, 80, 0.95)' });
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
