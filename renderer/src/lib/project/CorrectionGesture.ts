import { LABEL, type LabelValue } from '../../../../protocol/contract.js';
import { floodFill, membraneBarrier } from '../paint/floodFill.js';
import { polygonFill } from '../paint/polygonFill.js';
import { StrokeRecorder } from '../paint/strokeRecorder.js';
import type { Point } from '../Viewport.svelte.js';
import type { ProjectSession } from './ProjectSession.svelte.js';
import type { ToolState } from './ToolState.svelte.js';

/** A fill may cover at most this share of the slice: more means it leaked through a gap. */
const FILL_LIMIT = 0.25;

type ReportError = (title: string, message: string) => void;

/**
 * One correction from press to release: a brush stroke (previewed as it is drawn, saved as one
 * edit on release), a flood fill (saved on press) or a lasso (outline drawn, filled on release).
 * Escape or a cancelled pointer takes a stroke back.
 */
export class CorrectionGesture {
  #finished = false;
  readonly #lasso: Point[] = [];
  #stroke: { recorder: StrokeRecorder; snapshot: Uint8Array } | null = null;

  private constructor(
    private readonly project: ProjectSession,
    private readonly z: number,
    private readonly tool: 'brush' | 'fill' | 'lasso',
    private readonly value: LabelValue,
    readonly pointerId: number,
    private readonly reportError: ReportError,
  ) {}

  /** Starts a gesture at `point` (image coordinates); null when the slice's layers are not loaded yet. */
  static start(project: ProjectSession, z: number, tools: ToolState, point: Point, pointerId: number, reportError: ReportError): CorrectionGesture | null {
    const layers = project.layers(z);
    const tool = tools.tool;
    if (!layers || (tool !== 'brush' && tool !== 'fill' && tool !== 'lasso')) return null;
    const gesture = new CorrectionGesture(project, z, tool, tools.label, pointerId, reportError);
    if (tools.tool === 'fill') gesture.#fill(point, layers.width, layers.height);
    else if (tools.tool === 'lasso') gesture.#lasso.push(point);
    else {
      const snapshot = project.snapshot(z)!;
      gesture.#stroke = { recorder: new StrokeRecorder(layers.width, layers.height, tools.radius), snapshot };
      gesture.extend(point);
    }
    return gesture;
  }

  /** True once the gesture has been saved or cancelled. */
  get finished(): boolean {
    return this.#finished;
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
      const added = this.#stroke.recorder.add(point);
      if (added.length > 0) this.project.preview(this.z, added, this.value);
    }
  }

  /** Saves the stroke or lasso as one edit. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    const layers = this.project.layers(this.z);
    if (this.#stroke) {
      void this.project.paint(this.z, this.#stroke.recorder.indices(), this.value, 'brush', this.#stroke.snapshot);
    } else if (this.tool === 'lasso' && layers && this.#lasso.length >= 3) {
      void this.project.paint(this.z, polygonFill(this.#lasso, layers.width, layers.height), this.value, 'lasso');
    }
  }

  /** Takes back a stroke in progress. */
  cancel(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#stroke) this.project.revert(this.z, this.#stroke.recorder.indices(), this.#stroke.snapshot);
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
        `The region at (${x}, ${y}) is not closed by membrane: it runs on past ${limit.toLocaleString('en')} pixels (a quarter of the slice). Close the gap with the membrane brush (B), then fill again.`,
      );
      return;
    }
    if (indices.length === 0) {
      this.reportError('Nothing to fill', `(${x}, ${y}) is on a membrane; click inside a cell.`);
      return;
    }
    void this.project.paint(this.z, indices, this.value === LABEL.unlabelled ? LABEL.cell : this.value, 'fill');
  }
}
