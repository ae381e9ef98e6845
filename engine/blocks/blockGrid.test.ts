import { describe, expect, it } from 'vitest';
import { blockAt, blockCount, blockGrid, blocksForShare, parseShare } from './blockGrid.js';

describe('blockGrid', () => {
  it('groups whole chunks into blocks of at least minEdge, clipped at the volume', () => {
    const grid = blockGrid([200, 4096, 4000], [1, 256, 256], { halo: 32 });
    expect(grid.block).toEqual([1, 512, 512]);
    expect(grid.counts).toEqual([200, 8, 8]);
    expect(blockAt(grid, 7)).toEqual({ index: 7, z: [0, 1], y: [0, 512], x: [3584, 4000] });
    expect(blockAt(grid, 64 + 9)).toEqual({ index: 73, z: [1, 2], y: [512, 1024], x: [512, 1024] });
    // A small volume is one block per chunk row, not bigger than the volume needs.
    expect(blockGrid([3, 40, 56], [2, 16, 16], { halo: 8, minEdge: 100 }).block).toEqual([2, 48, 64]);
    expect(() => blockGrid([3, 40], [1, 16], { halo: 8 })).toThrow(/\[z, y, x\]/);
    expect(() => blockAt(grid, blockCount(grid))).toThrow(/out of range/);
  });

  it('puts every block in exactly one share, the same way every time', () => {
    const grid = blockGrid([5, 100, 70], [1, 16, 16], { halo: 8, minEdge: 16 });
    for (const shares of [1, 2, 3, 7, 500]) {
      const seen = new Map<number, number>();
      for (let i = 0; i < shares; i++) for (const k of blocksForShare(grid, i, shares)) seen.set(k, (seen.get(k) ?? 0) + 1);
      expect(seen.size).toBe(blockCount(grid));
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    }
    expect(blocksForShare(grid, 1, 3)).toEqual(blocksForShare(grid, 1, 3));
    expect(() => blocksForShare(grid, 3, 3)).toThrow(/from 0 to 2/);
  });

  it('parses --blocks i/N', () => {
    expect(parseShare('2/5')).toEqual({ share: 2, shares: 5 });
    expect(() => parseShare('5/5')).toThrow(/i\/N/);
    expect(() => parseShare('1-4')).toThrow(/"1-4"/);
  });
});
