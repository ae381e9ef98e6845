import type { Gesture } from '../project/Gesture.js';
import { PendingGesture } from '../project/PendingGesture.js';
import type { Point } from '../Viewport.svelte.js';

/** What a left-button press does with the tool in hand: edit neuron segments, correct membranes, or pan. */
export type PressKind = 'segment' | 'correct' | 'pan';

/** A pointer event as the viewer sees it: (x, y) in CSS pixels from the canvas's top left. */
export interface PointerInput {
  x: number;
  y: number;
  button: number;
  pointerId: number;
  shiftKey: boolean;
  /** The event's time (Event.timeStamp), for the paint-latency measure. */
  timeStamp: number;
}

export interface WheelInput {
  x: number;
  y: number;
  deltaX: number;
  deltaY: number;
  /** 0 pixels, 1 lines, 2 pages (WheelEvent.deltaMode). */
  deltaMode: number;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
}

/** What the input drives: the view, the slice, the tools, the canvas. */
export interface ViewerTarget {
  readonly viewport: {
    readonly viewWidth: number;
    readonly viewHeight: number;
    screenToImage(screen: Point): Point;
    panBy(dx: number, dy: number): void;
    zoomAt(screen: Point, factor: number): void;
  };
  /** The image size, or null with nothing open. */
  imageSize(): { width: number; height: number } | null;
  pressKind(): PressKind;
  /** Starts an edit at this image point on the slice the user asked for (see project/beginEdit.ts). */
  beginEdit(kind: Exclude<PressKind, 'pan'>, point: Point, pointerId: number, additive: boolean): Gesture | null;
  /** The image point under the mouse, or null when it is off the image. */
  setCursor(point: Point | null): void;
  stepSlice(direction: 1 | -1): void;
  /** One brush size step; false where there is no brush (no project), and Shift+wheel then zooms. */
  stepBrush(direction: 1 | -1): boolean;
  capture(pointerId: number): void;
  release(pointerId: number): void;
  /** Something drawn changed that no reactive state announces (a gesture grew): repaint. */
  redraw(): void;
}

/** Wheel travel, in pixels, for one slice step with Ctrl/Alt+wheel. */
export const SLICE_WHEEL_STEP = 40;
/** Zoom per pixel of wheel travel: exp(-delta × this). */
const ZOOM_PER_PIXEL = 0.002;

/** What the left button does given what is open and the tool in hand (without Space, which always pans). */
export function pressKind(state: { volume: boolean; project: boolean; segments: boolean; tool: string | null; onSegments: boolean }): PressKind {
  if (!state.volume || !state.project || state.tool === null) return 'pan';
  if (state.onSegments) return state.segments ? 'segment' : 'pan';
  return state.tool === 'navigate' ? 'pan' : 'correct';
}

/**
 * The slice viewer's pointer, wheel and key handling, apart from the DOM so it can be tested
 * with plain objects: presses start an edit (a Gesture) or a pan, moves extend it with every
 * coalesced sample, release saves it and Escape takes it back; the wheel zooms about the cursor,
 * Shift+wheel sizes the brush, Ctrl/Alt+wheel steps slices; Space+drag and the middle button pan.
 * An edit's slice is fixed by beginEdit at the press; nothing here moves it.
 */
export class ViewerInput {
  readonly #target: ViewerTarget;
  #gesture: Gesture | null = null;
  #drag: { x: number; y: number; id: number } | null = null;
  #dragging = $state(false);
  #spaceDown = $state(false);
  /** Wheel travel not yet turned into a slice step. */
  #sliceWheel = 0;
  /** Times of input events whose pixels are not yet drawn (the paint-latency measure). */
  #inputTimes: number[] = [];

  constructor(target: ViewerTarget) {
    this.#target = target;
  }

  /** True while the view is being dragged (the canvas shows a grabbing hand). */
  get dragging(): boolean {
    return this.#dragging;
  }
  /** Space held: the left button pans whatever the tool, and the brush outline hides. */
  get spaceDown(): boolean {
    return this.#spaceDown;
  }
  /** The edit in progress (it may still wait for its slice). */
  get gesture(): Gesture | null {
    return this.#gesture;
  }

  /** The edit in progress as drawn on slice z: nothing while it waits, nothing on another slice. */
  liveGesture(z: number): Gesture | null {
    const gesture = this.#gesture;
    const live = gesture instanceof PendingGesture ? gesture.live : gesture;
    return live && live.z === z ? live : null;
  }

  /** Input times since the last call, once their result is on screen. */
  takeInputTimes(): number[] {
    const times = this.#inputTimes;
    this.#inputTimes = [];
    return times;
  }

  /** Returns false for buttons the viewer leaves alone (right button). */
  pointerDown(event: PointerInput): boolean {
    if (event.button !== 0 && event.button !== 1) return false;
    const target = this.#target;
    target.capture(event.pointerId);
    const kind = event.button === 0 && !this.#spaceDown ? target.pressKind() : 'pan';
    if (kind !== 'pan') {
      const gesture = target.beginEdit(kind, target.viewport.screenToImage(event), event.pointerId, event.shiftKey);
      if (kind === 'correct' && !(gesture instanceof PendingGesture)) this.#inputTimes.push(event.timeStamp);
      this.#gesture = gesture?.finished ? null : gesture;
      target.redraw();
      return true;
    }
    this.#drag = { x: event.x, y: event.y, id: event.pointerId };
    this.#dragging = true;
    return true;
  }

  /** `samples`: every position the pointer reported since the last event (getCoalescedEvents), so fast strokes have no gaps. */
  pointerMove(event: PointerInput, samples: readonly Point[] = []): void {
    const target = this.#target;
    const gesture = this.#gesture;
    if (gesture && event.pointerId === gesture.pointerId) {
      for (const sample of samples.length > 0 ? samples : [event]) gesture.extend(target.viewport.screenToImage(sample));
      if (!(gesture instanceof PendingGesture && gesture.waiting)) this.#inputTimes.push(event.timeStamp);
      this.#updateCursor(event);
      target.redraw();
      return;
    }
    const drag = this.#drag;
    if (drag && event.pointerId === drag.id) {
      target.viewport.panBy(event.x - drag.x, event.y - drag.y);
      this.#drag = { ...drag, x: event.x, y: event.y };
    }
    this.#updateCursor(event);
  }

  /** The button is released (`cancelled`: the browser took the pointer away, pointercancel). */
  pointerUp(event: PointerInput, cancelled = false): void {
    const target = this.#target;
    const gesture = this.#gesture;
    if (gesture && event.pointerId === gesture.pointerId) {
      target.release(event.pointerId);
      if (cancelled) gesture.cancel();
      else gesture.finish();
      this.#gesture = null;
      target.redraw();
      return;
    }
    if (!this.#drag || event.pointerId !== this.#drag.id) return;
    target.release(event.pointerId);
    this.#drag = null;
    this.#dragging = false;
    // Released outside the canvas: no pointerleave follows a captured drag, so clear here.
    const { viewWidth, viewHeight } = target.viewport;
    if (event.x < 0 || event.y < 0 || event.x >= viewWidth || event.y >= viewHeight) target.setCursor(null);
  }

  pointerLeave(): void {
    if (!this.#drag) this.#target.setCursor(null);
  }

  wheel(event: WheelInput): void {
    const target = this.#target;
    // Lines and pages (some mice, Firefox) become pixels so every device feels alike.
    const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1;
    const delta = event.deltaY * unit;
    if (event.shiftKey) {
      // Shift turns the wheel sideways on some systems.
      const travel = delta !== 0 ? delta : event.deltaX * unit;
      if (travel === 0 || target.stepBrush(travel < 0 ? 1 : -1)) return;
    }
    if (event.ctrlKey || event.altKey) {
      this.#sliceWheel += delta;
      if (Math.abs(this.#sliceWheel) >= SLICE_WHEEL_STEP) {
        target.stepSlice(Math.sign(this.#sliceWheel) as 1 | -1);
        this.#sliceWheel = 0;
      }
      return;
    }
    target.viewport.zoomAt(event, Math.exp(-delta * ZOOM_PER_PIXEL));
    this.#updateCursor(event);
  }

  /** `inTextField`: the key goes to a text field (Space types a space there). */
  keyDown(key: string, inTextField: boolean): void {
    if (key === ' ' && !inTextField) this.#spaceDown = true;
    if (key === 'Escape' && this.#gesture) {
      this.#gesture.cancel();
      this.#gesture = null;
      this.#target.redraw();
    }
  }

  keyUp(key: string): void {
    if (key === ' ') this.#spaceDown = false;
  }

  /** The window lost focus: a held Space is released where the viewer cannot see it. */
  blur(): void {
    this.#spaceDown = false;
  }

  #updateCursor(screen: Point): void {
    const size = this.#target.imageSize();
    const p = this.#target.viewport.screenToImage(screen);
    const inside = size && p.x >= 0 && p.y >= 0 && p.x < size.width && p.y < size.height;
    this.#target.setCursor(inside ? p : null);
  }
}
