import type { Gesture } from '../project/Gesture.js';
import type { Point } from '../Viewport.svelte.js';
import type { NeuronSession } from './NeuronSession.svelte.js';

export type SegmentTool = 'select' | 'merge' | 'cut' | 'seeds';

/**
 * One press of a segment tool: select (click; Shift adds), merge (click the segment to keep,
 * then the one to merge into it), cut (draw a line across a segment to split it in this slice),
 * seeds (click to place seeds; Enter splits the segment between them in 3D).
 */
export class SegmentGesture implements Gesture {
  #line: Point[] = [];
  #finished = false;

  private constructor(
    private readonly neurons: NeuronSession,
    readonly z: number,
    private readonly tool: SegmentTool,
    readonly pointerId: number,
  ) {}

  static start(neurons: NeuronSession, z: number, tool: SegmentTool, point: Point, pointerId: number, additive: boolean, state: SegmentToolState): SegmentGesture | null {
    const gesture = new SegmentGesture(neurons, z, tool, pointerId);
    const id = neurons.idAt(z, point);
    if (tool === 'cut') {
      gesture.#line.push(point);
      return gesture;
    }
    gesture.#finished = true;
    if (tool === 'select') neurons.select(id ?? 0, additive);
    else if (tool === 'merge') {
      if (!id) return gesture;
      const keep = state.mergeFirst;
      if (keep === null || keep === id) {
        state.mergeFirst = id;
        neurons.select(id);
      } else {
        state.mergeFirst = null;
        void neurons.edit({ kind: 'merge', keep, remove: id }).then(() => neurons.select(keep));
      }
    } else if (tool === 'seeds' && id) {
      // Seeds belong to one segment: a seed on another segment starts over.
      if (state.seeds.length > 0 && state.seedSegment !== id) state.seeds = [];
      state.seedSegment = id;
      state.seeds = [...state.seeds, { x: point.x, y: point.y, z }];
      neurons.select(id);
    }
    return gesture;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** The cut line so far, for drawing. */
  line(): readonly Point[] | null {
    return this.tool === 'cut' && !this.#finished ? this.#line : null;
  }

  extend(point: Point): void {
    if (this.tool === 'cut' && !this.#finished) this.#line.push(point);
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.tool === 'cut' && this.#line.length >= 2) void this.neurons.edit({ kind: 'splitLine', z: this.z, line: this.#line.map((p) => ({ x: p.x, y: p.y })) });
  }

  cancel(): void {
    this.#finished = true;
  }
}

/** What segment tools remember between presses: the first segment of a merge, the seeds placed. */
export interface SegmentToolState {
  mergeFirst: number | null;
  seeds: { x: number; y: number; z: number }[];
  seedSegment: number | null;
}
