import { describe, expect, it } from 'vitest';
import { blendRamp, layoutAxis, mirrorIndex } from './tileLayout.js';

describe('layoutAxis', () => {
  it('covers every pixel with a full-weight tile region and pads by the overlap', () => {
    for (const length of [1, 7, 100, 512, 513, 1000, 4096]) {
      const layout = layoutAxis(length, 256, 32, 8);
      expect(layout.tile % 8).toBe(0);
      expect(layout.tile).toBeLessThanOrEqual(256);
      expect(layout.padded).toBeGreaterThanOrEqual(length + 64);
      // each image pixel p (padded coordinate p + 32) lies in some tile's centre [o+32, o+tile-32)
      for (let p = 0; p < length; p++) {
        const q = p + layout.before;
        expect(layout.origins.some((o) => q >= o + 32 && q < o + layout.tile - 32)).toBe(true);
      }
    }
  });

  it('uses one tile when the padded slice fits', () => {
    expect(layoutAxis(512, 640, 32, 8)).toMatchObject({ tile: 576, origins: [0] });
  });

  it('rejects tiles too small for the overlap', () => {
    expect(() => layoutAxis(100, 64, 32, 8)).toThrow(/too small/);
  });
});

describe('blendRamp and mirrorIndex', () => {
  it('ramps up and down symmetrically, never zero', () => {
    const ramp = blendRamp(32, 8);
    expect(ramp[0]).toBeLessThan(1e-5); // inside the outer quarter of the overlap
    expect(ramp[1]).toBeLessThan(1e-5);
    expect(ramp[4]).toBeCloseTo((4.5 - 2) / 6);
    expect(ramp[16]).toBe(1);
    expect(ramp[31]).toBeCloseTo(ramp[0]!);
    expect(ramp[27]).toBeCloseTo(ramp[4]!);
    expect(Math.min(...ramp)).toBeGreaterThan(0);
  });

  it('mirrors without repeating the edge pixel', () => {
    expect([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => mirrorIndex(i, 4))).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1, 0]);
    expect(mirrorIndex(-40, 1)).toBe(0);
  });
});
