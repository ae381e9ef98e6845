import type { Point } from '../Viewport.svelte.js';

/**
 * One press-drag-release of an editing tool, as the viewer drives it. `z` is the slice the edit
 * belongs to, fixed at the press: moving to another slice while the button is held (or while
 * the edit waits for its slice) never moves it.
 */
export interface Gesture {
  readonly pointerId: number;
  readonly z: number;
  /** True once the gesture takes no more input (saved, cancelled, or released and waiting). */
  readonly finished: boolean;
  extend(point: Point): void;
  /** The button is released: save the edit. */
  finish(): void;
  /** Escape or a cancelled pointer: take the edit back. */
  cancel(): void;
}
