import { describe, expect, it } from 'vitest';
import { ReducedImage } from './ReducedImage.js';

describe('ReducedImage.levelFor', () => {
  it('draws the image itself from half size up, and the largest halving not below the screen size under it', () => {
    expect(ReducedImage.levelFor(1)).toBe(0);
    expect(ReducedImage.levelFor(0.5)).toBe(0);
    expect(ReducedImage.levelFor(0.49)).toBe(1);
    // A 4096² slice fitted into about 620 pixels: a 1024² reduction, drawn at 0.6.
    expect(ReducedImage.levelFor(0.15)).toBe(2);
    expect(ReducedImage.levelFor(0.125)).toBe(3);
    expect(ReducedImage.levelFor(1 / 1000)).toBe(4);
  });
});
