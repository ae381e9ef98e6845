import { describe, expect, it } from 'vitest';
import { FRAME_DEFAULTS, frameRegion, type Region, type ViewTransform } from './frameRegion.js';

const OPTIONS = { ...FRAME_DEFAULTS, minScale: 0.1 };

/** The region's rectangle on screen under a view. */
function onScreen(region: Region, view: ViewTransform): { left: number; top: number; right: number; bottom: number } {
  return {
    left: region.x * view.scale + view.offsetX,
    top: region.y * view.scale + view.offsetY,
    right: (region.x + region.width) * view.scale + view.offsetX,
    bottom: (region.y + region.height) * view.scale + view.offsetY,
  };
}

describe('frameRegion', () => {
  it('centres a region inside the image at a third of the view', () => {
    const region = { x: 1024, y: 2048, width: 128, height: 128 };
    const view = frameRegion(region, { width: 900, height: 600 }, { width: 4096, height: 4096 }, OPTIONS);
    expect(view.scale).toBeCloseTo(600 / 384, 9);
    const box = onScreen(region, view);
    expect((box.left + box.right) / 2).toBeCloseTo(450, 9);
    expect((box.top + box.bottom) / 2).toBeCloseTo(300, 9);
    expect(box.bottom - box.top).toBeCloseTo(200, 9);
  });

  it('does not blow a small region up past the largest zoom', () => {
    const view = frameRegion({ x: 500, y: 500, width: 20, height: 20 }, { width: 1920, height: 1000 }, { width: 4096, height: 4096 }, OPTIONS);
    expect(view.scale).toBe(4);
  });

  it('zooms no further out than the smallest scale given (the whole image fits)', () => {
    const view = frameRegion({ x: 0, y: 0, width: 384, height: 384 }, { width: 800, height: 800 }, { width: 384, height: 384 }, { ...FRAME_DEFAULTS, minScale: 800 / 384 });
    expect(view.scale).toBeCloseTo(800 / 384, 9);
  });

  it('moves a region at the image corner towards the middle, keeping it off the view edge', () => {
    // The case: a tile at the image edge, once centred at a high zoom beside empty canvas.
    const region = { x: 0, y: 0, width: 128, height: 128 };
    const size = { width: 1000, height: 700 };
    const view = frameRegion(region, size, { width: 4096, height: 4096 }, OPTIONS);
    const box = onScreen(region, view);
    const side = box.right - box.left;
    // Half the margin it would have when centred, on each axis: not against the edge.
    expect(box.left).toBeCloseTo((size.width - side) / 4, 9);
    expect(box.top).toBeCloseTo((size.height - side) / 4, 9);
    // Less empty canvas than centring would show (the image's corner is at the region's corner).
    expect(view.offsetX).toBeLessThan(size.width / 2 - 64 * view.scale);
    expect(view.offsetX).toBeGreaterThan(0);
  });

  it('keeps a region near the far edge off it too', () => {
    const region = { x: 3968, y: 1000, width: 128, height: 128 };
    const size = { width: 1000, height: 700 };
    const view = frameRegion(region, size, { width: 4096, height: 4096 }, OPTIONS);
    const box = onScreen(region, view);
    expect(size.width - box.right).toBeCloseTo((size.width - (box.right - box.left)) / 4, 9);
    // On the other axis it is well inside the image: centred.
    expect((box.top + box.bottom) / 2).toBeCloseTo(350, 9);
  });

  it('shows no canvas beyond the image where the region is a little way in from the edge', () => {
    const region = { x: 150, y: 1000, width: 128, height: 128 };
    const size = { width: 1000, height: 700 };
    const view = frameRegion(region, size, { width: 4096, height: 4096 }, OPTIONS);
    expect(view.offsetX).toBeCloseTo(0, 9);
    const box = onScreen(region, view);
    expect(box.left).toBeGreaterThan((size.width - (box.right - box.left)) / 4);
  });

  it('shows all of an image that fits on an axis, centred, wherever the region is in it', () => {
    const region = { x: 0, y: 0, width: 128, height: 128 };
    const view = frameRegion(region, { width: 2000, height: 400 }, { width: 384, height: 4096 }, OPTIONS);
    expect(view.offsetX).toBeCloseTo((2000 - 384 * view.scale) / 2, 9);
    // The other axis keeps the region off the view's edge.
    expect(view.offsetY).toBeCloseTo((400 - 128 * view.scale) / 4, 9);
    // A small image at its fitting scale: shown whole, not pushed off the view to move the region.
    const small = frameRegion({ x: 256, y: 0, width: 128, height: 128 }, { width: 770, height: 636 }, { width: 384, height: 384 }, { ...FRAME_DEFAULTS, minScale: 636 / 384 });
    expect(small.offsetY).toBeCloseTo(0, 9);
    expect(small.offsetX).toBeCloseTo((770 - 636) / 2, 9);
  });

  it('names a region or view without size', () => {
    expect(() => frameRegion({ x: 0, y: 0, width: 0, height: 10 }, { width: 10, height: 10 }, { width: 10, height: 10 }, OPTIONS)).toThrow(/region width must be positive, not 0/);
    expect(() => frameRegion({ x: 0, y: 0, width: 10, height: 10 }, { width: 10, height: Number.NaN }, { width: 10, height: 10 }, OPTIONS)).toThrow(/view height/);
  });
});
