import { describe, expect, it } from 'vitest';
import { brushStroke } from './brushFootprint.js';
import { StrokeRecorder } from './strokeRecorder.js';

describe('StrokeRecorder', () => {
  it('covers a disc at the first point', () => {
    const recorder = new StrokeRecorder(5, 5, 1);
    expect([...recorder.add({ x: 2.5, y: 2.5 })]).toEqual([7, 11, 12, 13, 17]);
    expect(recorder.size).toBe(5);
  });

  it('returns only the pixels the stroke had not covered yet', () => {
    const recorder = new StrokeRecorder(6, 3, 0.5);
    expect([...recorder.add({ x: 0.5, y: 1.5 })]).toEqual([6]);
    expect([...recorder.add({ x: 2.5, y: 1.5 })]).toEqual([7, 8]);
    expect([...recorder.add({ x: 1.5, y: 1.5 })]).toEqual([]); // back over painted pixels
    expect([...recorder.add({ x: 4.5, y: 1.5 })]).toEqual([9, 10]);
    expect([...recorder.indices()]).toEqual([6, 7, 8, 9, 10]);
  });

  it('joins points with capsules so fast pointer moves leave no gaps', () => {
    const recorder = new StrokeRecorder(20, 20, 2);
    recorder.add({ x: 2, y: 3 });
    recorder.add({ x: 17, y: 15 });
    expect([...recorder.indices()]).toEqual([...brushStroke({ x: 2, y: 3 }, { x: 17, y: 15 }, 2, 20, 20)]);
  });

  it('returns all indices sorted and unique after a winding stroke, by either method', () => {
    // A thin diagonal across a large slice is sorted; a dense scribble is read from the mask.
    const diagonal = [
      { x: 5, y: 5 },
      { x: 190, y: 180 },
      { x: 20, y: 195 },
    ];
    const scribble = [
      { x: 5, y: 5 },
      { x: 15, y: 8 },
      { x: 6, y: 12 },
      { x: 14, y: 3 },
    ];
    for (const [size, radius, path] of [
      [200, 1, diagonal],
      [20, 4, scribble],
    ] as const) {
      const recorder = new StrokeRecorder(size, size, radius);
      const expected = new Set<number>();
      let previous = path[0]!;
      for (const point of path) {
        recorder.add(point);
        for (const index of brushStroke(previous, point, radius, size, size)) expected.add(index);
        previous = point;
      }
      expect([...recorder.indices()]).toEqual([...expected].sort((a, b) => a - b));
    }
  });

  it('starts afresh after reset and applies a new radius from the next segment', () => {
    const recorder = new StrokeRecorder(5, 5, 0.5);
    recorder.add({ x: 2.5, y: 2.5 });
    recorder.reset();
    expect(recorder.size).toBe(0);
    expect(recorder.last).toBeNull();
    expect(recorder.indices()).toHaveLength(0);
    expect([...recorder.add({ x: 2.5, y: 2.5 })]).toEqual([12]); // not remembered as visited
    recorder.radius = 1;
    expect([...recorder.add({ x: 2.5, y: 2.5 })]).toEqual([7, 11, 13, 17]);
  });

  it('clears the whole mask when a reset follows a stroke over most of the slice', () => {
    const recorder = new StrokeRecorder(4, 4, 10);
    expect(recorder.add({ x: 2, y: 2 })).toHaveLength(16);
    recorder.reset();
    expect(recorder.add({ x: 2, y: 2 })).toHaveLength(16);
  });

  it('ignores points outside the slice except for the part of the brush inside it', () => {
    const recorder = new StrokeRecorder(4, 4, 1);
    expect(recorder.add({ x: -5, y: -5 })).toHaveLength(0);
    expect([...recorder.add({ x: 0.5, y: -0.5 })]).toEqual([0]);
  });

  it('notes what each pixel held when the stroke first covered it, aligned with the sorted indices', () => {
    const labels = new Uint8Array(6 * 3);
    labels[7] = 2;
    labels[9] = 1;
    const recorder = new StrokeRecorder(6, 3, 0.5, labels);
    for (const index of recorder.add({ x: 0.5, y: 1.5 })) labels[index] = 1; // the caller paints as it goes
    for (const index of recorder.add({ x: 4.5, y: 1.5 })) labels[index] = 1;
    recorder.add({ x: 0.5, y: 1.5 }); // back over painted pixels: their "before" stays the first one
    const { indices, before } = recorder.pixels();
    expect([...indices]).toEqual([6, 7, 8, 9, 10]);
    expect([...before]).toEqual([0, 2, 0, 1, 0]);
  });

  it('holds mask blocks only where the stroke went, however large the slice', () => {
    const recorder = new StrokeRecorder(4096, 4096, 5);
    recorder.add({ x: 100, y: 100 });
    recorder.add({ x: 300, y: 100 });
    // A 200 px stroke crosses 4 or 5 blocks of 64² (and their neighbours for the brush rim).
    expect(recorder.maskBytes).toBeLessThanOrEqual(10 * 64 * 64);
    expect(recorder.indices()).toHaveLength(recorder.size);
  });

  it('reads the pixels across block edges in index order', () => {
    const recorder = new StrokeRecorder(200, 150, 3);
    const path = [
      { x: 60, y: 60 },
      { x: 70, y: 70 },
      { x: 130, y: 62 },
      { x: 5, y: 140 },
    ];
    const expected = new Set<number>();
    let previous = path[0]!;
    for (const point of path) {
      recorder.add(point);
      for (const index of brushStroke(previous, point, 3, 200, 150)) expected.add(index);
      previous = point;
    }
    expect([...recorder.indices()]).toEqual([...expected].sort((a, b) => a - b));
  });
});
