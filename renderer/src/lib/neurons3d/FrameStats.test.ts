import { describe, expect, it } from 'vitest';
import { AdaptiveResolution, RESOLUTION_STEPS } from './AdaptiveResolution.js';
import { FrameStats, summarize } from './FrameStats.js';

describe('FrameStats', () => {
  it('counts intervals only between frames of one motion', () => {
    const stats = new FrameStats();
    stats.record(0, 5);
    stats.record(20, 6);
    stats.record(40, 7);
    stats.record(1000, 8); // after an idle second: not a frame interval
    stats.record(1030, 9);
    const snapshot = stats.snapshot();
    expect(snapshot.intervals).toEqual([20, 20, 30]);
    expect(snapshot.renderTimes).toEqual([5, 6, 7, 8, 9]);
    expect(snapshot.fps).toBeCloseTo(50);
  });

  it('keeps only the most recent frames', () => {
    const stats = new FrameStats(3);
    for (let i = 0; i < 10; i++) stats.record(i * 10, i);
    expect(stats.snapshot().renderTimes).toEqual([7, 8, 9]);
    stats.clear();
    expect(stats.snapshot().intervals).toEqual([]);
  });
});

describe('summarize', () => {
  it('gives median, p95 and mean', () => {
    const times = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(times)).toEqual({ median: 51, p95: 96, mean: 50.5, count: 100 });
    expect(summarize([])).toEqual({ median: 0, p95: 0, mean: 0, count: 0 });
  });
});

describe('AdaptiveResolution', () => {
  it('steps down while moving frames are slow, back up when fast, and holds near the target', () => {
    const resolution = new AdaptiveResolution(40);
    const frames = (count: number, milliseconds: number): void => {
      for (let i = 0; i < count; i++) resolution.frameWhileMoving(milliseconds);
    };
    frames(5, 200);
    expect(resolution.scale).toBe(1); // not judged on fewer than 6 frames
    frames(1, 200);
    expect(resolution.scale).toBe(RESOLUTION_STEPS[1]);
    frames(60, 200);
    expect(resolution.scale).toBe(RESOLUTION_STEPS.at(-1));
    frames(12, 40);
    expect(resolution.scale).toBe(RESOLUTION_STEPS.at(-1));
    frames(6, 10);
    expect(resolution.scale).toBe(RESOLUTION_STEPS.at(-2));
  });

  it('ignores the idle gap before a motion', () => {
    const resolution = new AdaptiveResolution(40);
    for (let i = 0; i < 12; i++) resolution.frameWhileMoving(5000);
    expect(resolution.scale).toBe(1);
  });
});
