import { describe, expect, it } from 'vitest';
import type { Gesture } from '../project/Gesture.js';
import type { Point } from '../Viewport.svelte.js';
import type { DrawContext, LayerView } from './Layer.js';
import { ReviewBoxLayer } from './ReviewBoxLayer.js';
import { GesturePathLayer } from './toolLayers.js';

/** A 2D context that records the calls the tool layers make. */
function recorder(): { context: DrawContext; calls: string[] } {
  const calls: string[] = [];
  const context = new Proxy(
    {},
    {
      get: (_target, name: string) => (...args: unknown[]) => void calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`),
      set: (_target, name: string, value: unknown) => {
        calls.push(`${name} = ${JSON.stringify(value)}`);
        return true;
      },
    },
  ) as DrawContext;
  return { context, calls };
}

const view = (z: number, scale = 2): LayerView => ({ z, scale, offsetX: 0, offsetY: 0, width: 100, height: 100, visible: { x0: 0, y0: 0, x1: 50, y1: 50 } });

describe('GesturePathLayer', () => {
  const points: Point[] = [{ x: 1, y: 1 }];
  const gesture = { z: 3 } as Gesture;
  const layer = new GesturePathLayer(
    'lasso',
    'Lasso outline',
    (z) => (z === gesture.z ? gesture : null),
    () => 3,
    (g) => (g ? points : null),
    { closed: true, width: 1.5, colour: 'white', dash: [4, 3] },
  );

  it('counts a revision for each point the path grows by', () => {
    const first = layer.revision;
    expect(layer.revision).toBe(first);
    points.push({ x: 5, y: 1 });
    expect(layer.revision).toBe(first + 1);
  });

  it('strokes the path in screen-pixel widths and dashes, closed, on the gesture slice only', () => {
    const { context, calls } = recorder();
    layer.draw(context, view(3));
    expect(calls).toEqual(['beginPath()', 'moveTo(1, 1)', 'lineTo(1, 1)', 'lineTo(5, 1)', 'closePath()', 'lineWidth = 0.75', 'strokeStyle = "white"', 'setLineDash([2,1.5])', 'stroke()']);
    const other = recorder();
    layer.draw(other.context, view(4));
    expect(other.calls).toEqual([]);
  });
});

describe('ReviewBoxLayer', () => {
  const tile = { z: 2, x: 0, y: 128, width: 128, height: 128, score: 0.4 };
  const layer = new ReviewBoxLayer(
    () => tile,
    () => ({ width: 256, height: 256 }),
  );

  it('outlines the place outside it, but inside along the image edge, on its slice only', () => {
    const { context, calls } = recorder();
    layer.draw(context, view(2, 1));
    // Left and bottom are the image's edges (inside by half the 4-pixel halo); top and right outside by the 2-pixel line.
    expect(calls.filter((c) => c.startsWith('strokeRect'))).toEqual(['strokeRect(2, 126, 128, 128)', 'strokeRect(2, 126, 128, 128)']);
    const other = recorder();
    layer.draw(other.context, view(3, 1));
    expect(other.calls).toEqual([]);
  });
});
