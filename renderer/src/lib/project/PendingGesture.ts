import type { Point } from '../Viewport.svelte.js';
import type { Gesture } from './Gesture.js';

/**
 * A gesture made on a slice whose data is not loaded yet: the user pressed → and at once painted
 * or filled, and the slice they moved to is still loading (the previous one stays on screen
 * meanwhile). It records the pointer's path and its release and shows nothing; once `ready`
 * settles it replays them on its own slice `z`, whatever slice is on screen by then. When `ready`
 * gives a reason instead (the slice could not be loaded, the model changed meanwhile), the edit is
 * refused with that reason: it is never applied to another slice and never dropped without a word.
 */
export class PendingGesture implements Gesture {
  readonly #points: Point[];
  #released = false;
  #cancelled = false;
  #live: Gesture | null = null;
  /** Settles once the edit is applied, refused or cancelled. */
  readonly settled: Promise<void>;

  /**
   * `ready` resolves to null when slice z can be edited, or to why not; `begin` then starts the
   * real gesture there; `refuse` shows why an edit was not applied; `done` runs once it settles.
   */
  constructor(
    readonly pointerId: number,
    readonly z: number,
    first: Point,
    ready: Promise<string | null>,
    begin: (first: Point) => Gesture | null,
    refuse: (reason: string) => void,
    done: () => void = () => {},
  ) {
    this.#points = [first];
    this.settled = ready
      .then(
        (reason) => {
          if (this.#cancelled) return;
          if (reason !== null) return refuse(reason);
          const live = begin(this.#points[0]!);
          if (!live) return refuse(`Slice ${z} could not be edited.`);
          this.#live = live;
          for (let k = 1; k < this.#points.length; k++) live.extend(this.#points[k]!);
          this.#points.length = 0;
          if (this.#released) live.finish();
        },
        (error: unknown) => refuse((error as Error)?.message ?? String(error)),
      )
      .finally(done);
  }

  /** The gesture on its slice once that slice is ready (null while waiting, or if refused). */
  get live(): Gesture | null {
    return this.#live;
  }

  /** True while the edit still waits for its slice. */
  get waiting(): boolean {
    return this.#live === null && !this.#cancelled;
  }

  get finished(): boolean {
    return this.#live ? this.#live.finished : this.#released || this.#cancelled;
  }

  extend(point: Point): void {
    if (this.#live) this.#live.extend(point);
    else if (!this.#released && !this.#cancelled) this.#points.push({ x: point.x, y: point.y });
  }

  finish(): void {
    if (this.#live) this.#live.finish();
    else this.#released = true;
  }

  cancel(): void {
    if (this.#live) this.#live.cancel();
    else if (!this.#released) this.#cancelled = true;
  }
}
