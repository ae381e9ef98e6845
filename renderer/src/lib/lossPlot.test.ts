import { describe, expect, it } from 'vitest';
import { lossPlotLayout } from './lossPlot.js';

describe('lossPlotLayout', () => {
  it('labels the step axis 0 … all steps, and the loss axis with the highest, middle and lowest loss', () => {
    const layout = lossPlotLayout([0.7, 0.5, 0.3], 30, 60, 240, 80);
    expect(layout.xTicks.map((t) => t.label)).toEqual(['0', '30', '60 steps']);
    expect(layout.yTicks.map((t) => t.label)).toEqual(['0.7', '0.5', '0.3']);
    // The highest loss at the top of the plot area, the lowest at its bottom.
    expect(layout.yTicks[0]!.at).toBeCloseTo(layout.area.y);
    expect(layout.yTicks[2]!.at).toBeCloseTo(layout.area.y + layout.area.height);
  });

  it('draws the line over the steps done so far: half the axis at step 30 of 60', () => {
    const { path, area } = lossPlotLayout([0.7, 0.5, 0.3], 30, 60, 240, 80);
    const xs = [...path.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect(xs[2]).toBeCloseTo(area.x + area.width / 2, 0);
    expect(xs[0]).toBeLessThan(xs[1]!);
  });

  it('draws no line with fewer than two losses, and keeps a flat loss off the plot edges', () => {
    expect(lossPlotLayout([], 0, 60, 240, 80).path).toBe('');
    expect(lossPlotLayout([0.5], 1, 60, 240, 80).path).toBe('');
    const flat = lossPlotLayout([0.5, 0.5], 2, 4, 240, 80);
    expect(flat.yTicks.map((t) => t.label)).toEqual(['0.75', '0.5', '0.25']);
    expect(flat.path).toMatch(/^M/);
  });

  it('skips losses that are not numbers (a diverged step) instead of drawing NaN', () => {
    const { path } = lossPlotLayout([0.7, Number.NaN, 0.3], 3, 3, 240, 80);
    expect(path).not.toContain('NaN');
    expect(path.match(/[ML]/g)).toHaveLength(2);
  });
});
