import { describe, expect, it } from 'vitest';
import { LassoRecorder } from './lassoRecorder.js';

describe('LassoRecorder', () => {
  it('fills the closed outline', () => {
    const lasso = new LassoRecorder(5, 4);
    for (const point of [
      { x: 1, y: 1 },
      { x: 4, y: 1 },
      { x: 4, y: 3 },
      { x: 1, y: 3 },
    ])
      lasso.add(point);
    expect([...lasso.close()]).toEqual([6, 7, 8, 11, 12, 13]);
  });

  it('drops repeated and non-finite points', () => {
    const lasso = new LassoRecorder(5, 5);
    lasso.add({ x: 1, y: 1 });
    lasso.add({ x: 1, y: 1 });
    lasso.add({ x: Number.NaN, y: 2 });
    lasso.add({ x: 3, y: 1 });
    expect(lasso.points()).toEqual([
      { x: 1, y: 1 },
      { x: 3, y: 1 },
    ]);
  });

  it('gives nothing for fewer than 3 points and forgets the outline on reset', () => {
    const lasso = new LassoRecorder(5, 5);
    lasso.add({ x: 1, y: 1 });
    lasso.add({ x: 4, y: 4 });
    expect(lasso.close()).toHaveLength(0);
    lasso.add({ x: 1, y: 4 });
    expect(lasso.close().length).toBeGreaterThan(0);
    lasso.reset();
    expect(lasso.points()).toEqual([]);
    expect(lasso.close()).toHaveLength(0);
  });

  it('returns a copy of the outline', () => {
    const lasso = new LassoRecorder(5, 5);
    lasso.add({ x: 1, y: 1 });
    lasso.points()[0]!.x = 9;
    expect(lasso.points()[0]).toEqual({ x: 1, y: 1 });
  });
});
