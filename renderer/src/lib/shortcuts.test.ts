// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { comboId, comboLabel, SHORTCUT_GROUPS, SHORTCUTS, shortcutFor } from './shortcuts.js';

function key(key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, ...init });
  Object.defineProperty(event, 'target', { value: target });
  return event;
}

describe('shortcut table', () => {
  it('binds no key combination twice', () => {
    const ids = SHORTCUTS.flatMap((s) => s.keys.map(comboId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names each action once and only known groups', () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
    for (const s of SHORTCUTS) expect(SHORTCUT_GROUPS).toContain(s.group);
  });
});

describe('shortcutFor', () => {
  it('matches plain keys, symbols regardless of Shift, and letters case-insensitively', () => {
    expect(shortcutFor(key('ArrowRight'))).toBe('nextSlice');
    expect(shortcutFor(key('?', { shiftKey: true }))).toBe('toggleHelp');
    expect(shortcutFor(key('+', { shiftKey: true }))).toBe('zoomIn');
    expect(shortcutFor(key('F'))).toBe('fit');
    expect(shortcutFor(key('o', { ctrlKey: true }))).toBe('open');
    expect(shortcutFor(key('o', { metaKey: true }))).toBe('open');
  });

  it('requires the modifiers to match', () => {
    expect(shortcutFor(key('o', { altKey: true }))).toBeNull();
    expect(shortcutFor(key('r', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('ArrowRight', { altKey: true }))).toBeNull();
  });

  it('does not fire while typing in a field', () => {
    const input = document.createElement('input');
    expect(shortcutFor(key('f', {}, input))).toBeNull();
    expect(shortcutFor(key('?', {}, input))).toBeNull();
    expect(shortcutFor(key('r', {}, document.createElement('textarea')))).toBeNull();
  });

  it('leaves arrow keys to a focused slider but still takes other shortcuts there', () => {
    const slider = document.createElement('input');
    slider.type = 'range';
    expect(shortcutFor(key('ArrowRight', {}, slider))).toBeNull();
    expect(shortcutFor(key('?', {}, slider))).toBe('toggleHelp');
  });
});

describe('comboLabel', () => {
  it('writes keys as the help shows them', () => {
    expect(comboLabel({ key: 'o', mod: true })).toBe('Ctrl+O');
    expect(comboLabel({ key: 'o', mod: true }, true)).toBe('Cmd+O');
    expect(comboLabel({ key: 'ArrowRight' })).toBe('→');
    expect(comboLabel({ key: 'Escape' })).toBe('Esc');
  });
});

describe('proofreading shortcuts', () => {
  it('maps undo, redo and the tools to the keys annotators know', () => {
    expect(shortcutFor(key('z', { ctrlKey: true }))).toBe('undo');
    expect(shortcutFor(key('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(shortcutFor(key('y', { metaKey: true }))).toBe('redo');
    expect(shortcutFor(key('b'))).toBe('toolBrushMembrane');
    expect(shortcutFor(key('['))).toBe('brushSmaller');
    expect(shortcutFor(key('P', { shiftKey: true }))).toBe('predictAll');
    expect(shortcutFor(key('p'))).toBe('predictSlice');
  });

  it('gives every key combination to one action only', () => {
    const seen = new Map<string, string>();
    for (const shortcut of SHORTCUTS) {
      for (const combo of shortcut.keys) {
        const id = comboId(combo);
        expect(seen.get(id), `${id} is bound twice`).toBeUndefined();
        seen.set(id, shortcut.action);
      }
    }
  });
});
