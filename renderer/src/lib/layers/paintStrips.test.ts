import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrawContext } from './Layer.js';
import { PixelCanvas, usePixelCanvases } from '../testing/pixelCanvas.js';
import { boxOf, lookUpRows, paintStrips } from './paintStrips.js';

let restore: () => void;
beforeAll(() => (restore = usePixelCanvases()));
afterAll(() => restore());

/** A canvas of packed pixels that putImageData writes into, recording each put's size. */
function canvasOf(width: number, height: number): { context: DrawContext; pixels: Uint32Array; puts: string[] } {
  const canvas = new PixelCanvas(width, height);
  return { context: canvas.getContext('2d') as unknown as DrawContext, pixels: canvas.pixels, puts: canvas.puts };
}

describe('paintStrips', () => {
  it('paints a box through the fill function, every pixel once', () => {
    const { context, pixels, puts } = canvasOf(8, 6);
    paintStrips(context, { x0: 2, y0: 1, x1: 6, y1: 5 }, (out, x0, y0, width, rows) => {
      let k = 0;
      for (let y = y0; y < y0 + rows; y++) for (let x = x0; x < x0 + width; x++) out[k++] = 1000 + y * 8 + x;
    });
    expect(puts).toEqual(['4×4 at 2,1']);
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 8; x++) expect(pixels[y * 8 + x]).toBe(x >= 2 && x < 6 && y >= 1 && y < 5 ? 1000 + y * 8 + x : 0);
    }
  });

  it('cuts a whole 4096² slice into strips of at most 1 MB', () => {
    const puts: number[] = [];
    const context = { putImageData: (image: ImageData) => void puts.push(image.width * image.height) } as unknown as DrawContext;
    let filled = 0;
    paintStrips(context, { x0: 0, y0: 0, x1: 4096, y1: 4096 }, (_out, _x0, _y0, width, rows) => void (filled += width * rows));
    expect(filled).toBe(4096 * 4096);
    expect(Math.max(...puts) * 4).toBeLessThanOrEqual(1 << 20);
  });

  it('paints nothing for an empty box', () => {
    const { context, puts } = canvasOf(4, 4);
    paintStrips(context, { x0: 2, y0: 2, x1: 2, y1: 4 }, () => {
      throw new Error('not called');
    });
    expect(puts).toEqual([]);
  });
});

describe('boxOf', () => {
  it('bounds the pixels, right and bottom exclusive', () => {
    expect(boxOf(Uint32Array.of(10 * 3 + 4, 10 * 7 + 1, 10 * 5 + 8), 10)).toEqual({ x0: 1, y0: 3, x1: 9, y1: 8 });
    expect(boxOf(new Uint32Array(0), 10)).toBeNull();
  });
});

describe('lookUpRows', () => {
  it('maps values through the table from an offset, transparent past its end', () => {
    const values = Uint8Array.of(0, 1, 2, 3, 1, 0);
    const lut = Uint32Array.of(7, 7, 10, 11, 12);
    const out = new Uint32Array(2);
    lookUpRows(out, values, 3, lut, 2, 0, 1, 2, 1);
    expect([...out]).toEqual([0, 11]);
    lookUpRows(out, values, 3, lut, 2, 1, 0, 2, 1);
    expect([...out]).toEqual([11, 12]);
  });
});
