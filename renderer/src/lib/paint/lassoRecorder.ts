import type { Point } from './brushFootprint.js';
import { polygonFill } from './polygonFill.js';

/**
 * Collects the outline of a lasso or polygon selection while the pointer moves, and fills it
 * when closed. Repeated points (pointer events without movement) are dropped so they do not add
 * degenerate edges.
 */
export class LassoRecorder {
  readonly width: number;
  readonly height: number;
  #points: Point[] = [];

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
  }

  add(point: Point): void {
    if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) return;
    const last = this.#points[this.#points.length - 1];
    if (last && last.x === point.x && last.y === point.y) return;
    this.#points.push({ x: point.x, y: point.y });
  }

  /** The outline so far (a copy), for drawing the lasso path. */
  points(): Point[] {
    return this.#points.map((p) => ({ x: p.x, y: p.y }));
  }

  /** The pixels inside the closed outline (even-odd rule), sorted; the outline is kept until reset. */
  close(): Uint32Array<ArrayBuffer> {
    return polygonFill(this.#points, this.width, this.height);
  }

  reset(): void {
    this.#points = [];
  }
}
