import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Image pixel → page coordinates under the view as it is now, from the status line's read-out
 * of the image position at two probe points on the canvas (the mouse is moved there).
 */
export async function imageToPage(page: Page): Promise<(x: number, y: number) => { x: number; y: number }> {
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  const probe = async (px: number, py: number): Promise<{ x: number; y: number }> => {
    await page.mouse.move(px, py);
    let match: RegExpExecArray | null = null;
    await expect.poll(async () => (match = /x\s*(\d+)\s*y\s*(\d+)/.exec(await page.getByTestId('status-position').innerText()))).not.toBeNull();
    return { x: Number(match![1]) + 0.5, y: Number(match![2]) + 0.5 };
  };
  // Probes far apart (around the centre, which a fitted image covers): the read-out is whole
  // pixels, so the scale it gives is only as good as the distance between them allows.
  const reach = Math.min(box.width, box.height) * 0.3;
  const a = { x: box.x + box.width / 2 - reach, y: box.y + box.height / 2 - reach };
  const b = { x: box.x + box.width / 2 + reach, y: box.y + box.height / 2 + reach };
  const ia = await probe(a.x, a.y);
  const ib = await probe(b.x, b.y);
  const sx = (b.x - a.x) / (ib.x - ia.x);
  const sy = (b.y - a.y) / (ib.y - ia.y);
  return (x, y) => ({ x: a.x + (x + 0.5 - ia.x) * sx, y: a.y + (y + 0.5 - ia.y) * sy });
}
