import type { Page } from 'playwright-core';

// What the slice viewer's canvas shows, read back in the page: the e2e tests' eyes.

/** The canvas colour (RGBA) at a point given in canvas CSS pixels. */
export async function pixelAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([sx, sy]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-canvas"]')!;
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      return [...canvas.getContext('2d')!.getImageData(Math.round(sx! * scale), Math.round(sy! * scale), 1, 1).data];
    },
    [x, y],
  );
}

/** The share of canvas pixels tinted by an overlay (a grey EM image has red = green). */
export async function tintedFraction(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-canvas"]')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let tinted = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - data[i + 1]!) > 24) tinted++;
    return tinted / (data.length / 4);
  });
}
