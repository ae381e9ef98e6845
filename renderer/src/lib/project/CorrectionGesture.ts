import { LABEL, type LabelValue } from '../../../../protocol/contract.js';
import { floodFill, membraneBarrier } from '../paint/floodFill.js';
import { polygonFill } from '../paint/polygonFill.js';
import { StrokeRecorder } from '../paint/strokeRecorder.js';
import type { Point } from '../Viewport.svelte.js';
import type { Gesture } from './Gesture.js';
import type { ProjectSession } from './ProjectSession.svelte.js';
import type { ToolName } from './ToolState.svelte.js';

/** A fill may cover at most this share of the slice: more means it leaked through a gap. */
const FILL_LIMIT = 0.25;

type ReportError = (title: string, message: string) => void;

/** The tool settings a correction is made with, as they were at its pointer-down. */
export interface CorrectionTool {
  tool: ToolName;
  label: LabelValue;
  radius: number;
}

/**
 * One correction from press to release on slice `z`: a brush stroke (previewed as it is drawn,
 * saved as one edit on release), a flood fill (saved on press) or a lasso (outline drawn,
 * filled on release). Escape or a cancelled pointer takes a stroke back. The slice is fixed at
 * the start: navigating while the button is held does not move the edit.
 */
export class CorrectionGesture implements Gesture {
  #finished = false;
  readonly #lasso: Point[] = [];
  #stroke: StrokeRecorder | null = null;

  private constructor(
    private readonly project: ProjectSession,
    readonly z: number,
    private readonly tool: 'brush' | 'fill' | 'lasso',
    private readonly value: LabelValue,
    readonly pointerId: number,
    private readonly reportError: ReportError,
  ) {}

  /** Starts a gesture at `point` (image coordinates); null when slice z's layers are not loaded (wait for project.load(z) first). */
  static start(project: ProjectSession, z: number, tools: CorrectionTool, point: Point, pointerId: number, reportError: ReportError): CorrectionGesture | null {
    const layers = project.layers(z);
    const tool = tools.tool;
    if (!layers || (tool !== 'brush' && tool !== 'fill' && tool !== 'lasso')) return null;
    const gesture = new CorrectionGesture(project, z, tool, tools.label, pointerId, reportError);
    if (tool === 'fill') gesture.#fill(point, layers.width, layers.height);
    else if (tool === 'lasso') gesture.#lasso.push(point);
    else {
      // The stroke notes each pixel's label as it first covers it: its own "before", no copy of the slice.
      gesture.#stroke = new StrokeRecorder(layers.width, layers.height, tools.radius, layers.labels);
      gesture.extend(point);
    }
    return gesture;
  }

  /** True once the gesture has been saved or cancelled. */
  get finished(): boolean {
    return this.#finished;
  }

  /** The stroke's recorder (its pixels and their "before"), or null for other tools. */
  get stroke(): StrokeRecorder | null {
    return this.#stroke;
  }

  /** The lasso outline so far (image coordinates), or null for other tools. */
  lassoPoints(): readonly Point[] | null {
    return this.tool === 'lasso' && !this.#finished ? this.#lasso : null;
  }

  extend(point: Point): void {
    if (this.#finished) return;
    if (this.tool === 'lasso') {
      const last = this.#lasso[this.#lasso.length - 1];
      // Points closer than a quarter pixel add nothing but work.
      if (!last || Math.hypot(point.x - last.x, point.y - last.y) >= 0.25) this.#lasso.push(point);
    } else if (this.#stroke) {
      const added = this.#stroke.add(point);
      if (added.length > 0) this.project.preview(this.z, added, this.value);
    }
  }

  /** Saves the stroke or lasso as one edit. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    const layers = this.project.layers(this.z);
    if (this.#stroke) {
      const { indices, before } = this.#stroke.pixels();
      void this.project.paint(this.z, indices, this.value, 'brush', before);
    } else if (this.tool === 'lasso' && layers && this.#lasso.length >= 3) {
      void this.project.paint(this.z, polygonFill(this.#lasso, layers.width, layers.height), this.value, 'lasso');
    }
  }

  /** Takes back a stroke in progress. */
  cancel(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#stroke) {
      const { indices, before } = this.#stroke.pixels();
      this.project.revert(this.z, indices, before);
    }
  }

  #fill(point: Point, width: number, height: number): void {
    this.#finished = true;
    const layers = this.project.layers(this.z)!;
    const x = Math.floor(point.x);
    const y = Math.floor(point.y);
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const barrier = membraneBarrier(layers.prediction, layers.labels, this.project.style.threshold);
    const limit = Math.max(1, Math.floor(width * height * FILL_LIMIT));
    const { indices, truncated } = floodFill(y * width + x, barrier, width, height, limit);
    if (truncated) {
      this.reportError(
        'The fill would leak',
        `The region at (${x}, ${y}) on slice ${this.z} is not closed by membrane: it runs on past ${limit.toLocaleString('en')} pixels (a quarter of the slice). Close the gap with the membrane brush (B), then fill again.`,
      );
      return;
    }
    if (indices.length === 0) {
      this.reportError('Nothing to fill', `(${x}, ${y}) on slice ${this.z} is on a membrane; click inside a cell.`);
      return;
    }
    void this.project.paint(this.z, indices, this.value === LABEL.unlabelled ? LABEL.cell : this.value, 'fill');
  }
}
