/** Where and when a press went down or came up. */
export interface PointerMark {
  x: number;
  y: number;
  time: number;
}

/** Farther than this (CSS px) between press and release is a drag (an orbit), not a click. */
export const CLICK_SLOP_PIXELS = 5;
/** Held longer than this (ms) is not a click either. */
export const CLICK_MAX_MILLISECONDS = 600;

export function isClick(down: PointerMark, up: PointerMark): boolean {
  return Math.hypot(up.x - down.x, up.y - down.y) <= CLICK_SLOP_PIXELS && up.time - down.time <= CLICK_MAX_MILLISECONDS;
}

/**
 * Reports primary-button clicks on an element, but not the press and release that end an orbit
 * or pan: picking on every mouse-up would change the selection each time the user turns the
 * view. Owns its listeners; dispose() removes them.
 */
export class ClickDetector {
  readonly #element: HTMLElement;
  readonly #onClick: (clientX: number, clientY: number) => void;
  #down: PointerMark | null = null;

  constructor(element: HTMLElement, onClick: (clientX: number, clientY: number) => void) {
    this.#element = element;
    this.#onClick = onClick;
    element.addEventListener('pointerdown', this.#handleDown);
    element.addEventListener('pointerup', this.#handleUp);
    element.addEventListener('pointercancel', this.#handleCancel);
  }

  dispose(): void {
    this.#element.removeEventListener('pointerdown', this.#handleDown);
    this.#element.removeEventListener('pointerup', this.#handleUp);
    this.#element.removeEventListener('pointercancel', this.#handleCancel);
    this.#down = null;
  }

  readonly #handleDown = (event: PointerEvent): void => {
    this.#down = event.button === 0 && event.isPrimary ? { x: event.clientX, y: event.clientY, time: event.timeStamp } : null;
  };

  readonly #handleUp = (event: PointerEvent): void => {
    const down = this.#down;
    this.#down = null;
    if (down && event.button === 0 && isClick(down, { x: event.clientX, y: event.clientY, time: event.timeStamp })) {
      this.#onClick(event.clientX, event.clientY);
    }
  };

  readonly #handleCancel = (): void => {
    this.#down = null;
  };
}
