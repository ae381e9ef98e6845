import { describe, expect, it } from 'vitest';
import { MAX_SCALE, MIN_SCALE, Viewport } from './Viewport.svelte.js';

function viewport(view: [number, number], image: [number, number]): Viewport {
  const v = new Viewport();
  v.setViewSize(...view);
  v.setImageSize(...image);
  return v;
}

describe('Viewport', () => {
  it('fits the image to the limiting side and centres it', () => {
    const v = viewport([800, 600], [512, 512]);
    expect(v.scale).toBeCloseTo(600 / 512);
    const topLeft = v.imageToScreen({ x: 0, y: 0 });
    const bottomRight = v.imageToScreen({ x: 512, y: 512 });
    expect(topLeft.y).toBeCloseTo(0);
    expect(bottomRight.y).toBeCloseTo(600);
    expect((topLeft.x + bottomRight.x) / 2).toBeCloseTo(400);
  });

  it('fits a wide image by its width', () => {
    const v = viewport([400, 400], [1000, 100]);
    expect(v.scale).toBeCloseTo(0.4);
  });

  it('keeps the image point under the cursor fixed when zooming', () => {
    const v = viewport([800, 600], [512, 512]);
    const cursor = { x: 123, y: 456 };
    const before = v.screenToImage(cursor);
    v.zoomAt(cursor, 3);
    const after = v.screenToImage(cursor);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
    v.zoomAt(cursor, 0.1);
    expect(v.screenToImage(cursor).x).toBeCloseTo(before.x);
  });

  it('round-trips screen and image coordinates', () => {
    const v = viewport([800, 600], [512, 512]);
    v.panBy(17, -5);
    v.zoomAt({ x: 10, y: 10 }, 2.5);
    const p = { x: 321.5, y: 77.25 };
    const back = v.imageToScreen(v.screenToImage(p));
    expect(back.x).toBeCloseTo(p.x);
    expect(back.y).toBeCloseTo(p.y);
  });

  it('maps a screen point to image pixels with pan and scale', () => {
    const v = viewport([100, 100], [100, 100]);
    expect(v.scale).toBe(1);
    expect(v.screenToImage({ x: 0, y: 0 })).toEqual({ x: 0, y: 0 });
    v.panBy(10, 20);
    expect(v.screenToImage({ x: 10, y: 20 })).toEqual({ x: 0, y: 0 });
    v.setScale(2);
    // Zooming about the view centre (50, 50), which showed image (40, 30).
    expect(v.screenToImage({ x: 50, y: 50 })).toEqual({ x: 40, y: 30 });
  });

  it('clamps the zoom range', () => {
    const v = viewport([100, 100], [100, 100]);
    v.zoomAt({ x: 0, y: 0 }, 1e9);
    expect(v.scale).toBe(MAX_SCALE);
    v.zoomAt({ x: 0, y: 0 }, 1e-12);
    expect(v.scale).toBe(MIN_SCALE);
  });

  it('refits on resize until the user pans or zooms, then keeps the centre', () => {
    const v = viewport([200, 200], [100, 100]);
    expect(v.scale).toBe(2);
    v.setViewSize(400, 300);
    expect(v.scale).toBe(3);
    v.panBy(30, 0);
    expect(v.fitted).toBe(false);
    const centre = v.screenToImage({ x: 200, y: 150 });
    v.setViewSize(600, 500);
    expect(v.scale).toBe(3);
    const newCentre = v.screenToImage({ x: 300, y: 250 });
    expect(newCentre.x).toBeCloseTo(centre.x);
    expect(newCentre.y).toBeCloseTo(centre.y);
  });

  it('reports zoom in percent', () => {
    const v = viewport([100, 100], [50, 50]);
    expect(v.percent).toBe(200);
  });
});

describe('showRegion', () => {
  it('centres the region at a third of the view', () => {
    const viewport = new Viewport();
    viewport.setViewSize(800, 600);
    viewport.setImageSize(1000, 1000);
    viewport.showRegion(400, 450, 100, 100);
    expect(viewport.scale).toBeCloseTo(2, 6);
    const centre = viewport.screenToImage({ x: 400, y: 300 });
    expect(centre.x).toBeCloseTo(450, 6);
    expect(centre.y).toBeCloseTo(500, 6);
    expect(viewport.fitted).toBe(false);
  });

  it('keeps a region at the image corner off the view edge', () => {
    const viewport = new Viewport();
    viewport.setViewSize(800, 600);
    viewport.setImageSize(1000, 1000);
    viewport.showRegion(0, 0, 100, 100);
    const corner = viewport.imageToScreen({ x: 0, y: 0 });
    expect(corner.x).toBeCloseTo((800 - 200) / 4, 6);
    expect(corner.y).toBeCloseTo((600 - 200) / 4, 6);
  });
});
