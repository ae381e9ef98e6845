import { describe, expect, it } from 'vitest';
import { chooseDetailLevels, type DetailCandidate } from './chooseDetailLevels.js';

function candidate(id: number, apparentSize: number, levelTriangles: number[] = [1000, 100, 10], selected = false): DetailCandidate {
  return { id, apparentSize, levelTriangles, selected };
}

describe('chooseDetailLevels', () => {
  it('draws everything in full when the budget allows', () => {
    const levels = chooseDetailLevels([candidate(1, 1), candidate(2, 2)], 2000);
    expect([...levels]).toEqual([[1, 0], [2, 0]]);
  });

  it('gives the detail to the biggest-looking neurons first', () => {
    // Coarsest for all: 30; the biggest to full: 1020; the next two to the middle level: 1200.
    const levels = chooseDetailLevels([candidate(1, 0.1), candidate(2, 0.5), candidate(3, 0.2)], 1200);
    expect(levels.get(2)).toBe(0);
    expect(levels.get(3)).toBe(1);
    expect(levels.get(1)).toBe(1);
  });

  it('uses an intermediate level when the full mesh does not fit', () => {
    const levels = chooseDetailLevels([candidate(1, 1), candidate(2, 0.5)], 150);
    expect(levels.get(1)).toBe(1);
    expect(levels.get(2)).toBe(2);
  });

  it('keeps the coarsest level when even that exceeds the budget', () => {
    const levels = chooseDetailLevels([candidate(1, 1), candidate(2, 1)], 5);
    expect([...levels.values()]).toEqual([2, 2]);
  });

  it('always draws selected neurons and neurons without decimated meshes in full', () => {
    const levels = chooseDetailLevels([candidate(1, 0.01, [1000, 10], true), candidate(2, 0.01, [500]), candidate(3, 1)], 0);
    expect(levels.get(1)).toBe(0);
    expect(levels.get(2)).toBe(0);
    expect(levels.get(3)).toBe(2);
  });

  it('never exceeds the budget through upgrades', () => {
    const candidates = Array.from({ length: 200 }, (_, i) => candidate(i, Math.sin(i) + 2, [300 + i, 40, 8]));
    for (const budget of [2000, 5000, 20000, 50000]) {
      const levels = chooseDetailLevels(candidates, budget);
      const total = candidates.reduce((sum, c) => sum + c.levelTriangles[levels.get(c.id)!]!, 0);
      expect(total).toBeLessThanOrEqual(budget);
    }
  });
});
