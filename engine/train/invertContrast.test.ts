import { describe, expect, it } from 'vitest';
import type { BlockTally } from '../metrics/pixelTallies.js';
import { looksInverted } from './invertContrast.js';

const block = (membrane: number, membraneWrong: number, cell: number, cellWrong: number): BlockTally => ({ z: 0, x: 0, y: 0, membrane, membraneWrong, cell, cellWrong, crossEntropy: 0 });

describe('looksInverted', () => {
  it('is true only when both classes are labelled and the balanced error is worse than guessing', () => {
    // Inverted contrast: most membrane read as cell and most cell as membrane.
    expect(looksInverted([block(300, 200, 700, 500)])).toBe(true);
    // A poor model, but better than guessing.
    expect(looksInverted([block(300, 120, 700, 300)])).toBe(false);
    // A region painted membrane only (rightly or not): the start may be "wrong" on all of it, but no cell label says inverted.
    expect(looksInverted([block(1000, 950, 0, 0)])).toBe(false);
    // Cell labels under a tenth of the labelled pixels do not count.
    expect(looksInverted([block(950, 900, 50, 50)])).toBe(false);
    expect(looksInverted([])).toBe(false);
    // Summed over blocks.
    expect(looksInverted([block(300, 200, 0, 0), block(0, 0, 700, 500)])).toBe(true);
  });
});
