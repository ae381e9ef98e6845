import { describe, expect, it } from 'vitest';
import type { Gesture } from '../project/Gesture.js';
import { PendingGesture } from '../project/PendingGesture.js';
import { Viewport, type Point } from '../Viewport.svelte.js';
import { pressKind, SLICE_WHEEL_STEP, ViewerInput, type PointerInput, type PressKind, type ViewerTarget } from './ViewerInput.svelte.js';

/** A press-drag-release that records what it is told. */
class RecordedGesture implements Gesture {
  readonly points: Point[] = [];
  finished = false;
  ended: 'finish' | 'cancel' | null = null;
  constructor(
    readonly pointerId: number,
    readonly z: number,
    first: Point,
  ) {
    this.points.push(first);
  }
  extend(point: Point): void {
    this.points.push(point);
  }
  finish(): void {
    this.ended = 'finish';
    this.finished = true;
  }
  cancel(): void {
    this.ended = 'cancel';
    this.finished = true;
  }
}

/** The viewer around the input: a real Viewport (200 × 100 view, 100 × 50 image, fitted at 2×), the rest recorded. */
function setup(kind: PressKind = 'correct', begin?: (point: Point, pointerId: number) => Gesture | null) {
  const viewport = new Viewport();
  viewport.setViewSize(200, 100);
  viewport.setImageSize(100, 50);
  const calls: string[] = [];
  const gestures: RecordedGesture[] = [];
  const cursor: (Point | null)[] = [];
  let brush = true;
  const target: ViewerTarget = {
    viewport,
    imageSize: () => ({ width: 100, height: 50 }),
    pressKind: () => kind,
    beginEdit: (edit, point, pointerId, additive) => {
      calls.push(`begin ${edit} ${point.x},${point.y}${additive ? ' additive' : ''}`);
      if (begin) return begin(point, pointerId);
      const gesture = new RecordedGesture(pointerId, 7, point);
      gestures.push(gesture);
      return gesture;
    },
    setCursor: (point) => void cursor.push(point),
    stepSlice: (direction) => void calls.push(`slice ${direction}`),
    stepBrush: (direction) => {
      if (brush) calls.push(`brush ${direction}`);
      return brush;
    },
    capture: (id) => void calls.push(`capture ${id}`),
    release: (id) => void calls.push(`release ${id}`),
    redraw: () => void calls.push('redraw'),
  };
  const input = new ViewerInput(target);
  return { input, viewport, calls, gestures, cursor, noBrush: () => (brush = false) };
}

const press = (x: number, y: number, extra: Partial<PointerInput> = {}): PointerInput => ({ x, y, button: 0, pointerId: 1, shiftKey: false, timeStamp: 100, ...extra });
const wheel = (deltaY: number, extra: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean; deltaMode: number; deltaX: number }> = {}) => ({
  x: 100,
  y: 50,
  deltaX: 0,
  deltaY,
  deltaMode: 0,
  shiftKey: false,
  ctrlKey: false,
  altKey: false,
  ...extra,
});

describe('pressKind', () => {
  const base = { volume: true, project: true, segments: true, tool: 'brush', onSegments: false };
  it('corrects with a correction tool, edits segments with a segment tool, pans otherwise', () => {
    expect(pressKind(base)).toBe('correct');
    expect(pressKind({ ...base, tool: 'navigate' })).toBe('pan');
    expect(pressKind({ ...base, tool: 'merge', onSegments: true })).toBe('segment');
    // A segment tool with no segmentation yet pans.
    expect(pressKind({ ...base, tool: 'merge', onSegments: true, segments: false })).toBe('pan');
    expect(pressKind({ ...base, project: false })).toBe('pan');
    expect(pressKind({ ...base, volume: false })).toBe('pan');
    expect(pressKind({ ...base, tool: null })).toBe('pan');
  });
});

describe('ViewerInput', () => {
  it('starts an edit at the image point under a press, extends it with every coalesced sample, and saves it on release', () => {
    const { input, calls, gestures } = setup();
    expect(input.pointerDown(press(20, 10))).toBe(true);
    expect(calls).toEqual(['capture 1', 'begin correct 10,5', 'redraw']);
    input.pointerMove(press(40, 20, { timeStamp: 116 }), [
      { x: 30, y: 10 },
      { x: 40, y: 20 },
    ]);
    expect(gestures[0]!.points).toEqual([
      { x: 10, y: 5 },
      { x: 15, y: 5 },
      { x: 20, y: 10 },
    ]);
    input.pointerUp(press(40, 20));
    expect(gestures[0]!.ended).toBe('finish');
    expect(input.gesture).toBeNull();
    expect(calls.slice(-2)).toEqual(['release 1', 'redraw']);
    // The press and the move are waiting to be measured once drawn.
    expect(input.takeInputTimes()).toEqual([100, 116]);
    expect(input.takeInputTimes()).toEqual([]);
  });

  it('passes Shift (add to the selection) to a segment press, and measures no paint latency for it', () => {
    const { input, calls } = setup('segment');
    input.pointerDown(press(20, 10, { shiftKey: true }));
    expect(calls).toContain('begin segment 10,5 additive');
    expect(input.takeInputTimes()).toEqual([]);
  });

  it('drops a gesture that finished on its press (a fill, a click)', () => {
    const { input } = setup('correct', (point, id) => {
      const gesture = new RecordedGesture(id, 0, point);
      gesture.finish();
      return gesture;
    });
    input.pointerDown(press(20, 10));
    expect(input.gesture).toBeNull();
  });

  it('ignores moves and releases of another pointer while a gesture is in progress', () => {
    const { input, gestures } = setup();
    input.pointerDown(press(20, 10));
    input.pointerMove(press(60, 60, { pointerId: 2 }));
    input.pointerUp(press(60, 60, { pointerId: 2 }));
    expect(gestures[0]!.points).toHaveLength(1);
    expect(gestures[0]!.ended).toBeNull();
  });

  it('takes the edit back on Escape and on a cancelled pointer', () => {
    const { input, gestures } = setup();
    input.pointerDown(press(20, 10));
    input.keyDown('Escape', false);
    expect(gestures[0]!.ended).toBe('cancel');
    expect(input.gesture).toBeNull();
    input.pointerDown(press(20, 10));
    input.pointerUp(press(20, 10), true);
    expect(gestures[1]!.ended).toBe('cancel');
  });

  it('measures no latency for an edit that waits for its slice (nothing is drawn yet)', () => {
    const { input } = setup('correct', (point, id) => new PendingGesture(id, 4, point, new Promise(() => {}), () => null, () => {}));
    input.pointerDown(press(20, 10));
    input.pointerMove(press(30, 10));
    expect(input.takeInputTimes()).toEqual([]);
    // And it shows nothing on any slice while it waits.
    expect(input.liveGesture(4)).toBeNull();
  });

  it('shows the live gesture on its own slice only', () => {
    const { input } = setup();
    input.pointerDown(press(20, 10));
    expect(input.liveGesture(7)).toBe(input.gesture);
    expect(input.liveGesture(6)).toBeNull();
  });

  it('pans with the middle button, and with the left while Space is held, whatever the tool', () => {
    const { input, viewport, calls } = setup();
    const before = viewport.offsetX;
    input.pointerDown(press(20, 10, { button: 1 }));
    expect(input.dragging).toBe(true);
    input.pointerMove(press(50, 30, { button: 1 }));
    expect(viewport.offsetX).toBe(before + 30);
    input.pointerUp(press(50, 30, { button: 1 }));
    expect(input.dragging).toBe(false);

    input.keyDown(' ', false);
    expect(input.spaceDown).toBe(true);
    input.pointerDown(press(20, 10));
    expect(calls.some((c) => c.startsWith('begin'))).toBe(false);
    input.pointerMove(press(10, 10));
    expect(viewport.offsetX).toBe(before + 20);
    input.pointerUp(press(10, 10));
    input.keyUp(' ');
    expect(input.spaceDown).toBe(false);
  });

  it('does not take Space typed into a text field, and forgets a held Space when the window loses focus', () => {
    const { input } = setup();
    input.keyDown(' ', true);
    expect(input.spaceDown).toBe(false);
    input.keyDown(' ', false);
    input.blur();
    expect(input.spaceDown).toBe(false);
  });

  it('leaves the right button alone', () => {
    const { input, calls } = setup();
    expect(input.pointerDown(press(20, 10, { button: 2 }))).toBe(false);
    expect(calls).toEqual([]);
  });

  it('follows the cursor in image pixels, and clears it off the image and on leaving', () => {
    const { input, cursor } = setup();
    input.pointerMove(press(50, 30));
    expect(cursor.at(-1)).toEqual({ x: 25, y: 15 });
    input.pointerMove(press(199, 30));
    expect(cursor.at(-1)).toEqual({ x: 99.5, y: 15 });
    input.pointerMove(press(250, 30));
    expect(cursor.at(-1)).toBeNull();
    input.pointerMove(press(50, 30));
    input.pointerLeave();
    expect(cursor.at(-1)).toBeNull();
  });

  it('clears the cursor when a drag is released outside the view', () => {
    const { input, cursor } = setup('pan');
    input.pointerDown(press(20, 10));
    input.pointerMove(press(20, 10));
    input.pointerLeave();
    expect(cursor.at(-1)).not.toBeNull();
    input.pointerUp(press(-5, 10));
    expect(cursor.at(-1)).toBeNull();
  });

  it('zooms about the cursor with the wheel, lines counting as 16 pixels', () => {
    const { input, viewport } = setup();
    const under = viewport.screenToImage({ x: 100, y: 50 });
    input.wheel(wheel(-100));
    expect(viewport.scale).toBeCloseTo(2 * Math.exp(0.2), 9);
    const after = viewport.screenToImage({ x: 100, y: 50 });
    expect(after.x).toBeCloseTo(under.x, 9);
    input.wheel(wheel(1, { deltaMode: 1 }));
    expect(viewport.scale).toBeCloseTo(2 * Math.exp(0.2) * Math.exp(-16 * 0.002), 9);
  });

  it('sizes the brush with Shift+wheel (sideways too), and zooms where there is no brush', () => {
    const { input, calls, viewport, noBrush } = setup();
    input.wheel(wheel(-10, { shiftKey: true }));
    input.wheel(wheel(0, { shiftKey: true, deltaX: 10 }));
    expect(calls).toEqual(['brush 1', 'brush -1']);
    expect(viewport.scale).toBe(2);
    noBrush();
    input.wheel(wheel(-10, { shiftKey: true }));
    expect(viewport.scale).toBeGreaterThan(2);
  });

  it('steps slices with Ctrl or Alt+wheel once the travel adds up to a step', () => {
    const { input, calls, viewport } = setup();
    input.wheel(wheel(SLICE_WHEEL_STEP / 2, { ctrlKey: true }));
    expect(calls).toEqual([]);
    input.wheel(wheel(SLICE_WHEEL_STEP / 2, { ctrlKey: true }));
    expect(calls).toEqual(['slice 1']);
    input.wheel(wheel(-SLICE_WHEEL_STEP, { altKey: true }));
    expect(calls).toEqual(['slice 1', 'slice -1']);
    expect(viewport.scale).toBe(2);
  });
});
