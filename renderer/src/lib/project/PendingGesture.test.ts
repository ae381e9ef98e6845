import { describe, expect, it } from 'vitest';
import type { Point } from '../Viewport.svelte.js';
import type { Gesture } from './Gesture.js';
import { PendingGesture } from './PendingGesture.js';

/** A gesture that records what the pending one replays into it. */
class Recording implements Gesture {
  readonly calls: string[] = [];
  #finished = false;
  constructor(
    readonly z: number,
    first: Point,
  ) {
    this.calls.push(`start ${first.x},${first.y}`);
  }
  readonly pointerId = 1;
  get finished(): boolean {
    return this.#finished;
  }
  extend(p: Point): void {
    this.calls.push(`extend ${p.x},${p.y}`);
  }
  finish(): void {
    this.#finished = true;
    this.calls.push('finish');
  }
  cancel(): void {
    this.#finished = true;
    this.calls.push('cancel');
  }
}

function deferred(): { promise: Promise<string | null>; resolve(reason: string | null): void; reject(error: Error): void } {
  let resolve!: (reason: string | null) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string | null>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

function pending(ready: Promise<string | null>): { gesture: PendingGesture; started: Recording[]; refused: string[]; done: () => number } {
  const started: Recording[] = [];
  const refused: string[] = [];
  let doneCount = 0;
  const gesture = new PendingGesture(
    1,
    6,
    { x: 1, y: 1 },
    ready,
    (first) => {
      const live = new Recording(6, first);
      started.push(live);
      return live;
    },
    (reason) => refused.push(reason),
    () => doneCount++,
  );
  return { gesture, started, refused, done: () => doneCount };
}

describe('PendingGesture', () => {
  it('records the path and the release while its slice loads, then replays them on that slice', async () => {
    const ready = deferred();
    const { gesture, started, done } = pending(ready.promise);
    gesture.extend({ x: 2, y: 1 });
    gesture.extend({ x: 3, y: 1 });
    expect(gesture.waiting).toBe(true);
    expect(gesture.finished).toBe(false);
    gesture.finish();
    expect(gesture.finished).toBe(true); // takes no more input from the pointer
    gesture.extend({ x: 9, y: 9 }); // after the release: not part of the edit
    expect(started).toHaveLength(0);
    ready.resolve(null);
    await gesture.settled;
    expect(started).toHaveLength(1);
    expect(started[0]!.z).toBe(6);
    expect(started[0]!.calls).toEqual(['start 1,1', 'extend 2,1', 'extend 3,1', 'finish']);
    expect(done()).toBe(1);
    expect(gesture.live).toBe(started[0]);
  });

  it('passes input straight to the live gesture once its slice is ready while the button is still down', async () => {
    const ready = deferred();
    const { gesture, started } = pending(ready.promise);
    ready.resolve(null);
    await gesture.settled;
    expect(gesture.waiting).toBe(false);
    gesture.extend({ x: 4, y: 4 });
    expect(gesture.finished).toBe(false);
    gesture.finish();
    expect(started[0]!.calls).toEqual(['start 1,1', 'extend 4,4', 'finish']);
    expect(gesture.finished).toBe(true);
  });

  it('applies nothing when cancelled (Escape) before its slice is ready', async () => {
    const ready = deferred();
    const { gesture, started, refused, done } = pending(ready.promise);
    gesture.cancel();
    ready.resolve(null);
    await gesture.settled;
    expect(started).toHaveLength(0);
    expect(refused).toHaveLength(0);
    expect(done()).toBe(1);
  });

  it('is refused with the reason, not applied, when its slice cannot be edited', async () => {
    const ready = deferred();
    const { gesture, started, refused, done } = pending(ready.promise);
    gesture.finish();
    ready.resolve('the model changed');
    await gesture.settled;
    expect(started).toHaveLength(0);
    expect(refused).toEqual(['the model changed']);
    expect(done()).toBe(1);
  });

  it('is refused with the error when waiting fails', async () => {
    const ready = deferred();
    const { gesture, refused } = pending(ready.promise);
    gesture.finish();
    ready.reject(new Error('engine went away'));
    await gesture.settled;
    expect(refused).toEqual(['engine went away']);
  });

  it('says so when its slice is ready but the edit cannot start there', async () => {
    const refused: string[] = [];
    const gesture = new PendingGesture(1, 3, { x: 0, y: 0 }, Promise.resolve(null), () => null, (reason) => refused.push(reason));
    gesture.finish();
    await gesture.settled;
    expect(refused).toEqual(['Slice 3 could not be edited.']);
  });
});
