import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pixelAt } from './canvasProbe.js';
import { imageToPage } from './imageToPage.js';
import { ARTIFACTS } from './launchServe.js';
import { openSampleProject, type SampleProject } from './sampleProject.js';

// "Next place to check" on the built-in sample (384 × 384 × 16), predicted: N goes to the least
// certain tile, frames it with context, outlines it on the canvas and gives its rank and
// uncertainty; N, Shift+N and the list move through the ranking. Screenshots at 1366 × 768 and
// 1920 × 1080.

/** The sample's slice size. */
const SIZE = 384;

let sample: SampleProject;
let page: Page;

beforeAll(async () => {
  sample = await openSampleProject('review', { width: 1366, height: 768 });
  page = sample.page;
}, 90_000);

afterAll(async () => {
  await sample?.close();
});

/** The list of places, showing (a tabbed panel shows it in its Review tab). */
async function showList(): Promise<void> {
  const tab = page.getByTestId('tab-review');
  if ((await tab.count()) > 0 && (await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  await page.getByTestId('review-list').waitFor({ timeout: 10_000 });
  // Keys go to the viewer, not the tab button just clicked.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** The place a row of the list names: slice and rectangle, from its title. */
async function placeOf(row: number): Promise<{ z: number; x0: number; x1: number; y0: number; y1: number }> {
  const title = (await page.getByTestId('review-list').getByRole('button').nth(row).getAttribute('title'))!;
  const match = /slice (\d+), x (\d+)–(\d+), y (\d+)–(\d+)/.exec(title);
  expect(match, title).not.toBeNull();
  const [z, x0, x1, y0, y1] = match!.slice(1).map(Number) as [number, number, number, number, number];
  return { z, x0, x1, y0, y1 };
}

/** Checks the place is on screen, framed with room around it and outlined: white just outside its top and left edges. */
async function expectFramedAndOutlined(place: { z: number; x0: number; x1: number; y0: number; y1: number }): Promise<void> {
  await expect.poll(() => page.getByTestId('slice-label').innerText()).toMatch(new RegExp(`z ${place.z}\\b`));
  await page.waitForTimeout(300);
  const canvas = (await page.getByTestId('viewer-canvas').boundingBox())!;
  const toPage = await imageToPage(page);
  await page.mouse.move(canvas.x + 2, canvas.y + 2);
  const topLeft = toPage(place.x0 - 0.5, place.y0 - 0.5);
  const bottomRight = toPage(place.x1 - 0.5, place.y1 - 0.5);
  const side = { x: bottomRight.x - topLeft.x, y: bottomRight.y - topLeft.y };
  const image = { from: toPage(-0.5, -0.5), to: toPage(SIZE - 0.5, SIZE - 0.5) };
  for (const [axis, start, length] of [
    ['x', canvas.x, canvas.width],
    ['y', canvas.y, canvas.height],
  ] as const) {
    // In sight, with a pixel of rounding.
    expect(topLeft[axis]).toBeGreaterThanOrEqual(start - 1);
    expect(bottomRight[axis]).toBeLessThanOrEqual(start + length + 1);
    if (image.to[axis] - image.from[axis] <= length + 1) {
      // The whole image fits on this axis: it is shown whole, centred.
      expect(image.from[axis] - start).toBeCloseTo(start + length - image.to[axis], -0.5);
    } else {
      // Not against the view's edge: at least half the room it would have centred (frameRegion).
      expect(topLeft[axis] - start).toBeGreaterThanOrEqual((length - side[axis]) / 4 - 2);
      expect(start + length - bottomRight[axis]).toBeGreaterThanOrEqual((length - side[axis]) / 4 - 2);
    }
  }
  // A sensible zoom: the place takes a good part of the view, with context around it.
  expect(Math.max(side.x / canvas.width, side.y / canvas.height)).toBeGreaterThan(0.2);
  expect(Math.max(side.x / canvas.width, side.y / canvas.height)).toBeLessThan(0.6);
  const zoom = Number(/(\d+)/.exec(await page.getByTestId('zoom').innerText())![1]);
  expect(zoom).toBeLessThanOrEqual(400);
  // The outline runs 2 screen pixels outside the region (inside, along the image's edge): white with a
  // dark halo beside it. Look a few pixels either side for white next to dark, which EM grey rarely makes.
  const outlined = async (x: number, y: number, dx: number, dy: number): Promise<boolean> => {
    const scan: number[][] = [];
    for (let k = -5; k <= 5; k++) scan.push(await pixelAt(page, x - canvas.x + dx * k, y - canvas.y + dy * k));
    const sum = (p: number[]): number => p[0]! + p[1]! + p[2]!;
    // The halo darkens what is under it to about a third: darker than the image a few pixels away (one side may be off the image).
    const around = Math.max(sum(scan[0]!), sum(scan[scan.length - 1]!));
    const white = (p: number[]): boolean => p[0]! > 225 && p[1]! > 225 && p[2]! > 225;
    const dark = (p: number[] | undefined): boolean => !!p && sum(p) < 0.7 * around;
    return scan.some((p, k) => white(p) && [k - 2, k - 1, k + 1, k + 2].some((j) => dark(scan[j])));
  };
  for (const t of [0.2, 0.5, 0.8]) {
    expect(await outlined(topLeft.x + t * side.x, topLeft.y, 0, -1), `outline above the place at ${t}`).toBe(true);
    expect(await outlined(topLeft.x, topLeft.y + t * side.y, -1, 0), `outline left of the place at ${t}`).toBe(true);
  }
}

describe('places to check', () => {
  it('N frames the least certain place, outlines it and gives its rank and uncertainty', async () => {
    await page.keyboard.press('Shift+P');
    await page.getByTestId('job').waitFor({ timeout: 10_000 });
    await page.getByTestId('job').waitFor({ state: 'detached', timeout: 180_000 });
    await showList();
    await expect.poll(() => page.getByTestId('review-summary').innerText(), { timeout: 10_000 }).toMatch(/^\d+ places, least certain first$/);
    const count = await page.getByTestId('review-list').getByRole('button').count();
    expect(count).toBeGreaterThan(10);

    await page.keyboard.press('n');
    const tag = page.getByTestId('review-tag');
    await expect.poll(() => tag.innerText()).toMatch(new RegExp(`^Place 1 of ${count} · uncertainty [01]\\.\\d\\d$`));
    expect(await page.getByTestId('review-summary').innerText()).toBe(await tag.innerText());
    // The uncertainty shown is the list's first, the highest.
    const scores = await page.getByTestId('review-list').locator('.score').allInnerTexts();
    expect((await tag.innerText()).endsWith(scores[0]!)).toBe(true);
    expect([...scores].map(Number)).toEqual([...scores].map(Number).sort((a, b) => b - a));
    await expectFramedAndOutlined(await placeOf(0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'review-next-1366x768.png') });
  }, 240_000);

  it('N and Shift+N step through the ranking', async () => {
    await page.keyboard.press('n');
    await page.keyboard.press('n');
    await expect.poll(() => page.getByTestId('review-tag').innerText()).toMatch(/^Place 3 of /);
    await page.keyboard.press('Shift+N');
    await expect.poll(() => page.getByTestId('review-tag').innerText()).toMatch(/^Place 2 of /);
    await expectFramedAndOutlined(await placeOf(1));
  });

  it('a click in the list goes to that place (at 1920 × 1080)', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await showList();
    const rows = page.getByTestId('review-list').getByRole('button');
    await rows.nth(4).click();
    await expect.poll(() => page.getByTestId('review-tag').innerText()).toMatch(/^Place 5 of /);
    expect(await rows.nth(4).getAttribute('aria-current')).toBe('location');
    expect(await rows.nth(1).getAttribute('aria-current')).toBeNull();
    await expectFramedAndOutlined(await placeOf(4));
    await page.screenshot({ path: path.join(ARTIFACTS, 'review-list-1920x1080.png') });
    expect(await page.getByTestId('error').count()).toBe(0);
    expect(sample.pageErrors, sample.pageErrors.join('\n')).toEqual([]);
  });
});
