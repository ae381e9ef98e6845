import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVolume } from '../engine/io/readVolume.js';
import { buildPyramid } from '../engine/zarr/buildPyramid.js';
import { createOmeZarr } from '../engine/zarr/omeZarr.js';
import { writeRegion } from '../engine/zarr/readRegion.js';
import { pixelAt, tintedFraction } from './canvasProbe.js';
import { ARTIFACTS } from './launchServe.js';
import { SAMPLE_TIF, startApp, type AppSession } from './sampleProject.js';

// Proofreading a volume read tile by tile: a project over an OME-Zarr store (never copied),
// predicted, painted and reopened in Chromium against serve mode. The image is the built-in
// ISBI sample tiled 2 × 2 into 768² slices.

let app: AppSession;
let page: Page;
let store: string;
let projectDir: string;

beforeAll(async () => {
  app = await startApp('tiled-project', { width: 1400, height: 900 });
  page = app.page;
  store = path.join(app.tmp, 'em.ome.zarr');
  projectDir = path.join(app.tmp, 'em-project');
  const sample = await readVolume(SAMPLE_TIF);
  const [w, h, depth] = [sample.width, sample.height, 3];
  const size = 2 * w;
  const image = await createOmeZarr(store, { shape: [depth, 2 * h, size], dtype: 'uint8', chunks: [1, 256, 256], voxelSize: { x: 4, y: 4, z: 50, unit: 'nanometer' }, version: 2 });
  const plane = new Uint8Array(size * 2 * h);
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < 2 * h; y++) for (let x = 0; x < size; x++) plane[y * size + x] = sample.data[z * w * h + (y % h) * w + (x % w)]!;
    await writeRegion(image.levels[0]!, { z: [z, z + 1], y: [0, 2 * h], x: [0, size] }, plane);
  }
  await buildPyramid(image);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

/** A horizontal stroke right of the canvas centre, in canvas pixels; placed once the canvas's size is known (the panels beside it set it). */
const STROKE = { x0: 0, y0: 0, x1: 0, y1: 0 };
function placeStroke(box: { width: number; height: number }): void {
  Object.assign(STROKE, { x0: Math.round(box.width * 0.55), x1: Math.round(box.width * 0.7), y0: Math.round(box.height * 0.5), y1: Math.round(box.height * 0.5) });
}

describe('a project over an OME-Zarr volume in Chromium', () => {
  it('is made from the open volume without copying it', async () => {
    await page.getByTestId('open-button').click();
    await page.getByTestId('open-path-input').fill(store);
    await page.getByTestId('open-path-submit').click();
    await expect.poll(() => page.getByTestId('status').innerText(), { timeout: 30_000 }).toContain('OME-Zarr');
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-dir-input').fill(projectDir);
    await page.getByTestId('project-submit').click();
    await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('project-panel').innerText()).toContain('model v1');
    expect(readdirSync(projectDir)).not.toContain('image.tif');
    // The value under the cursor comes from the tiles.
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    placeStroke(box);
    await page.mouse.move(box.x + STROKE.x0, box.y + STROKE.y0);
    await expect.poll(() => page.getByTestId('status-value').innerText(), { timeout: 10_000 }).toMatch(/value ≈?\d+/);
  }, 60_000);

  it('predicts the slice on screen into a chunked store, and the overlay shows it over the tiles', async () => {
    expect(await tintedFraction(page)).toBeLessThan(0.001);
    await page.getByTestId('predict-slice').click();
    await page.getByTestId('job').waitFor({ timeout: 10_000 });
    await page.getByTestId('job').waitFor({ state: 'detached', timeout: 120_000 });
    await expect.poll(() => page.getByTestId('project-panel').innerText()).toContain('Slice 0 is predicted');
    await expect.poll(() => tintedFraction(page), { timeout: 10_000 }).toBeGreaterThan(0.02);
    expect(existsSync(path.join(projectDir, 'predictions', 'v1.ome.zarr', '.zattrs'))).toBe(true);
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + STROKE.x0, box.y + STROKE.y0);
    await expect.poll(() => page.getByTestId('status-membrane').innerText()).toMatch(/membrane p \d\.\d\d/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'tiled-project-predicted.png') });
  }, 150_000);

  it('paints a correction, and finds it after the page reloads and the project reopens', async () => {
    await page.keyboard.press('b');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + STROKE.x0, box.y + STROKE.y0);
    await page.mouse.down();
    await page.mouse.move(box.x + STROKE.x1, box.y + STROKE.y1, { steps: 12 });
    await page.mouse.up();
    await page.getByTestId('save-state').filter({ hasText: 'All edits saved' }).waitFor({ timeout: 10_000 });
    await page.mouse.move(10, 10);
    await page.waitForTimeout(100);
    const painted = await pixelAt(page, (STROKE.x0 + STROKE.x1) / 2, STROKE.y0);
    expect(painted[2]!).toBeLessThan(110);
    expect(painted[0]!).toBeGreaterThan(150);

    const started = Date.now();
    await page.reload();
    await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('status').innerText()).toContain('OME-Zarr');
    console.log(`Tiled project reopened on reload in ${Date.now() - started} ms`);
    await page.mouse.move(10, 10);
    await expect.poll(async () => (await pixelAt(page, (STROKE.x0 + STROKE.x1) / 2, STROKE.y0))[2]!, { timeout: 10_000 }).toBeLessThan(110);
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'tiled-project-reopened.png') });
    expect(app.pageErrors).toEqual([]);
  }, 60_000);
});
