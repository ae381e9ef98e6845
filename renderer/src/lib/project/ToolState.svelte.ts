import { LABEL, type LabelValue } from '../../../../protocol/contract.js';

/**
 * The tools. 'navigate' pans with the left button, as the viewer did before tools; brush, fill
 * and lasso correct membranes; select, merge, cut and seeds proofread neuron segments.
 */
export type ToolName = 'navigate' | 'brush' | 'fill' | 'lasso' | 'select' | 'merge' | 'cut' | 'seeds';

/** Tools that work on neuron segments (their undo is the segments' undo). */
export const SEGMENT_TOOLS: readonly ToolName[] = ['select', 'merge', 'cut', 'seeds'];

export const MIN_BRUSH = 0.5;
export const MAX_BRUSH = 200;

/**
 * Which tool is active, which label it paints, and the brush size. Brush radius is in image
 * pixels; [ and ] step it by about 15% so small and large brushes are equally quick to reach.
 */
export class ToolState {
  #tool = $state<ToolName>('navigate');
  #label = $state<LabelValue>(LABEL.membrane);
  #radius = $state(3);

  get tool(): ToolName {
    return this.#tool;
  }
  get label(): LabelValue {
    return this.#label;
  }
  get radius(): number {
    return this.#radius;
  }
  /** True when the tool edits neuron segments rather than membrane labels. */
  get onSegments(): boolean {
    return SEGMENT_TOOLS.includes(this.#tool);
  }
  get labelName(): 'membrane' | 'cell' {
    return this.#label === LABEL.membrane ? 'membrane' : 'cell';
  }

  /** Picks a tool; brush and fill also choose the label they paint (fill defaults to cell). */
  select(tool: ToolName, label?: LabelValue): void {
    this.#tool = tool;
    if (label !== undefined) this.#label = label;
  }

  /** Membrane ⇄ cell. */
  swapLabel(): void {
    this.#label = this.#label === LABEL.membrane ? LABEL.cell : LABEL.membrane;
  }

  setRadius(radius: number): void {
    this.#radius = Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, Math.round(radius * 2) / 2));
  }

  /** One step bigger (+1) or smaller (-1). */
  stepRadius(direction: 1 | -1): void {
    const next = direction > 0 ? Math.max(this.#radius + 0.5, this.#radius * 1.15) : Math.min(this.#radius - 0.5, this.#radius / 1.15);
    this.setRadius(next);
  }
}
