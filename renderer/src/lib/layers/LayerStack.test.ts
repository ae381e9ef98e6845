import { describe, expect, it } from 'vitest';
import { ChangeCounter } from './ChangeCounter.js';
import type { DrawContext, Layer, LayerView } from './Layer.js';
import { LayerStack } from './LayerStack.js';

/** A layer whose state the test sets; it records its draws and idles into a shared log. */
class TestLayer implements Layer {
  available = true;
  visible = true;
  opacity = 1;
  data = 0;
  readonly #counter = new ChangeCounter();
  constructor(
    readonly id: string,
    private readonly log: string[],
  ) {}
  get name(): string {
    return `Layer ${this.id}`;
  }
  get revision(): number {
    return this.#counter.of([this.data]);
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
  }
  setOpacity(opacity: number): void {
    this.opacity = opacity;
  }
  draw(context: DrawContext): void {
    this.log.push(`draw ${this.id} alpha ${context.globalAlpha}`);
  }
  idle(): void {
    this.log.push(`idle ${this.id}`);
  }
}

/** The parts of a 2D context the stack uses, recording what it is told. */
function recordingContext(log: string[]): DrawContext {
  const state = { globalAlpha: 1 };
  const saved: number[] = [];
  return {
    get globalAlpha() {
      return state.globalAlpha;
    },
    set globalAlpha(value: number) {
      state.globalAlpha = value;
    },
    setTransform: (...args: number[]) => void (args.length === 6 && args[0] !== 1 && log.push(`transform ${args.join(' ')}`)),
    clearRect: () => void log.push('clear'),
    save: () => void saved.push(state.globalAlpha),
    restore: () => void (state.globalAlpha = saved.pop() ?? 1),
  } as unknown as DrawContext;
}

const VIEW: LayerView = { z: 3, scale: 2, offsetX: 10, offsetY: 20, width: 400, height: 300, visible: { x0: -5, y0: -10, x1: 195, y1: 140 } };
const CANVAS = { width: 400, height: 300 };

function setup(): { log: string[]; a: TestLayer; b: TestLayer; c: TestLayer; stack: LayerStack; context: DrawContext } {
  const log: string[] = [];
  const a = new TestLayer('a', log);
  const b = new TestLayer('b', log);
  const c = new TestLayer('c', log);
  return { log, a, b, c, stack: new LayerStack([a, b, c]), context: recordingContext(log) };
}

describe('LayerStack', () => {
  it('draws the layers bottom first, each under the view transform', () => {
    const { log, stack, context } = setup();
    expect(stack.render(context, VIEW, CANVAS)).toBe(true);
    expect(log).toEqual(['clear', 'transform 2 0 0 2 10 20', 'draw a alpha 1', 'transform 2 0 0 2 10 20', 'draw b alpha 1', 'transform 2 0 0 2 10 20', 'draw c alpha 1']);
  });

  it('repaints only when a revision, the view, a visibility or an opacity changed', () => {
    const { log, a, b, stack, context } = setup();
    stack.render(context, VIEW, CANVAS);
    log.length = 0;
    expect(stack.render(context, VIEW, CANVAS)).toBe(false);
    expect(stack.render(context, { ...VIEW }, CANVAS)).toBe(false);
    expect(log).toEqual([]);

    b.data = 1;
    expect(stack.render(context, VIEW, CANVAS)).toBe(true);
    expect(stack.render(context, VIEW, CANVAS)).toBe(false);
    // The same data again is no change.
    b.data = 1;
    expect(stack.render(context, VIEW, CANVAS)).toBe(false);

    expect(stack.render(context, { ...VIEW, offsetX: 11 }, CANVAS)).toBe(true);
    expect(stack.render(context, { ...VIEW, offsetX: 11, z: 4 }, CANVAS)).toBe(true);
    a.opacity = 0.5;
    expect(stack.render(context, { ...VIEW, offsetX: 11, z: 4 }, CANVAS)).toBe(true);
    a.visible = false;
    expect(stack.render(context, { ...VIEW, offsetX: 11, z: 4 }, CANVAS)).toBe(true);
    expect(stack.render(context, { ...VIEW, offsetX: 11, z: 4 }, CANVAS)).toBe(false);
  });

  it('ignores changes of a layer it does not draw, and repaints it once shown', () => {
    const { log, a, stack, context } = setup();
    a.visible = false;
    stack.render(context, VIEW, CANVAS);
    a.data = 5;
    expect(stack.render(context, VIEW, CANVAS)).toBe(false);
    a.visible = true;
    log.length = 0;
    expect(stack.render(context, VIEW, CANVAS)).toBe(true);
    expect(log).toContain('draw a alpha 1');
  });

  it('skips hidden, transparent and unavailable layers, telling them so, and draws the rest at their opacity', () => {
    const { log, a, b, c, stack, context } = setup();
    a.visible = false;
    b.opacity = 0.25;
    c.available = false;
    stack.render(context, VIEW, CANVAS);
    expect(log.filter((line) => !line.startsWith('transform'))).toEqual(['clear', 'idle a', 'draw b alpha 0.25', 'idle c']);
    log.length = 0;
    b.opacity = 0;
    stack.render(context, VIEW, CANVAS);
    expect(log.filter((line) => !line.startsWith('transform'))).toEqual(['clear', 'idle a', 'idle b', 'idle c']);
  });

  it('clears and idles every layer with nothing to show', () => {
    const { log, stack, context } = setup();
    expect(stack.render(context, null, CANVAS)).toBe(true);
    expect(log).toEqual(['clear', 'idle a', 'idle b', 'idle c']);
    expect(stack.render(context, null, CANVAS)).toBe(false);
  });

  it('paints again after invalidate (a resized canvas is blank)', () => {
    const { stack, context } = setup();
    stack.render(context, VIEW, CANVAS);
    stack.invalidate();
    expect(stack.render(context, VIEW, CANVAS)).toBe(true);
  });

  it('lists the table for a layers panel and sets visibility and opacity by id', () => {
    const { a, c, stack } = setup();
    c.available = false;
    stack.setVisible('a', false);
    stack.setOpacity('c', 0.3);
    expect(a.visible).toBe(false);
    expect(stack.entries).toEqual([
      { id: 'a', name: 'Layer a', available: true, visible: false, opacity: 1 },
      { id: 'b', name: 'Layer b', available: true, visible: true, opacity: 1 },
      { id: 'c', name: 'Layer c', available: false, visible: true, opacity: 0.3 },
    ]);
    expect(() => stack.setVisible('nope', true)).toThrow("There is no layer 'nope'; the layers are 'a', 'b', 'c'.");
  });

  it('refuses two layers with one id', () => {
    const log: string[] = [];
    expect(() => new LayerStack([new TestLayer('x', log), new TestLayer('x', log)])).toThrow("two layers have the id 'x'");
  });
});

describe('ChangeCounter', () => {
  it('counts up when an input is not the same as at the last look', () => {
    const counter = new ChangeCounter();
    const buffer = new Uint8Array(4);
    const first = counter.of([buffer, 1]);
    expect(counter.of([buffer, 1])).toBe(first);
    expect(counter.of([new Uint8Array(4), 1])).toBe(first + 1);
    expect(counter.of([buffer, 2])).toBe(first + 2);
    expect(counter.of([buffer, 2, 3])).toBe(first + 3);
    expect(counter.of([buffer, 2, 3])).toBe(first + 3);
    expect(counter.of([buffer, 2, Number.NaN])).toBe(first + 4);
    expect(counter.of([buffer, 2, Number.NaN])).toBe(first + 4);
  });
});
