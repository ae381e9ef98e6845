import { describe, expect, it } from 'vitest';
import { Random } from './Random.js';

describe('Random', () => {
  it('gives the same numbers for the same seed, in [0, 1), and picks up where a saved state left off', () => {
    const a = new Random(42);
    const b = new Random(42);
    const first = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Random(43).next()).not.toBe(first[0]);
    const restored = Random.restore(a.save());
    expect(restored.next()).toBe(a.next());
  });

  it('draws whole numbers in [0, n) and [min, max), and picks items, from one sequence', () => {
    const a = new Random(7);
    const b = new Random(7);
    for (let k = 0; k < 200; k++) {
      const n = a.int(10);
      expect(n).toBe(b.between(0, 10));
      expect(Number.isInteger(n) && n >= 0 && n < 10).toBe(true);
    }
    const c = new Random(7);
    const items = ['x', 'y', 'z'] as const;
    const drawn = new Set(Array.from({ length: 60 }, () => c.pick(items)));
    expect([...drawn].sort()).toEqual(['x', 'y', 'z']);
    expect(new Random(1).between(5, 6)).toBe(5);
  });
});
