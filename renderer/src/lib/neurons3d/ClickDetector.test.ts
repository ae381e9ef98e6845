// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { CLICK_MAX_MILLISECONDS, CLICK_SLOP_PIXELS, ClickDetector, isClick } from './ClickDetector.js';
import { pointerToNdc } from './pointerToNdc.js';

describe('isClick', () => {
  it('accepts a short press that stays put and rejects drags and long holds', () => {
    const down = { x: 10, y: 10, time: 0 };
    expect(isClick(down, { x: 12, y: 13, time: 100 })).toBe(true);
    expect(isClick(down, { x: 10 + CLICK_SLOP_PIXELS + 1, y: 10, time: 100 })).toBe(false);
    expect(isClick(down, { x: 10, y: 10, time: CLICK_MAX_MILLISECONDS + 1 })).toBe(false);
  });
});

function pointer(type: string, x: number, y: number, button = 0): PointerEvent {
  return new PointerEvent(type, { clientX: x, clientY: y, button, isPrimary: true, bubbles: true });
}

describe('ClickDetector', () => {
  it('reports clicks, not drags or other buttons, until disposed', () => {
    const element = document.createElement('div');
    const onClick = vi.fn();
    const detector = new ClickDetector(element, onClick);
    element.dispatchEvent(pointer('pointerdown', 5, 5));
    element.dispatchEvent(pointer('pointerup', 6, 5));
    expect(onClick).toHaveBeenCalledWith(6, 5);
    element.dispatchEvent(pointer('pointerdown', 5, 5));
    element.dispatchEvent(pointer('pointerup', 60, 5));
    element.dispatchEvent(pointer('pointerdown', 5, 5, 2));
    element.dispatchEvent(pointer('pointerup', 5, 5, 2));
    expect(onClick).toHaveBeenCalledTimes(1);
    detector.dispose();
    element.dispatchEvent(pointer('pointerdown', 5, 5));
    element.dispatchEvent(pointer('pointerup', 5, 5));
    expect(onClick).toHaveBeenCalledTimes(1);
  });
});

describe('pointerToNdc', () => {
  it('maps the canvas corners and centre to -1..1 with y up', () => {
    const rect = { left: 100, top: 50, width: 200, height: 100 };
    expect(pointerToNdc(100, 50, rect)).toEqual({ x: -1, y: 1 });
    expect(pointerToNdc(300, 150, rect)).toEqual({ x: 1, y: -1 });
    expect(pointerToNdc(200, 100, rect)).toEqual({ x: 0, y: 0 });
    expect(pointerToNdc(0, 0, { left: 0, top: 0, width: 0, height: 10 })).toBeNull();
  });
});
