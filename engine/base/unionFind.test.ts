import { describe, expect, it } from 'vitest';
import { findRoot, union } from './unionFind.js';

describe('union-find', () => {
  it('joins sets under their smallest member and compresses the paths it walks', () => {
    const parent = Int32Array.from({ length: 6 }, (_, i) => i);
    union(parent, 4, 5);
    union(parent, 5, 3);
    union(parent, 1, 2);
    expect([0, 1, 2, 3, 4, 5].map((i) => findRoot(parent, i))).toEqual([0, 1, 1, 3, 3, 3]);
    union(parent, 2, 5);
    expect([0, 1, 2, 3, 4, 5].map((i) => findRoot(parent, i))).toEqual([0, 1, 1, 1, 1, 1]);
    // After a find every node on the path points straight at the root.
    expect(Array.from(parent)).toEqual([0, 1, 1, 1, 1, 1]);
    union(parent, 3, 4);
    expect(findRoot(parent, 4)).toBe(1);
  });
});
