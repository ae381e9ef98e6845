import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPyramid } from '../engine/zarr/buildPyramid.js';
import { createLabelImage } from '../engine/zarr/labelImage.js';
import { createOmeZarr } from '../engine/zarr/omeZarr.js';
import { writeRegion } from '../engine/zarr/readRegion.js';
import { ARTIFACTS } from './launchServe.js';
import { startApp, type AppSession } from './sampleProject.js';

// A chunked OME-Zarr volume viewed lazily: only visible tiles at the zoom's scale are read.
const SIZE = 2048;
const DEPTH = 4;
let app: AppSession;
let page: Page;
let store: string;

beforeAll(async () => {
  app = await startApp('lazy', { width: 1200, height: 800 });
  page = app.page;
  store = path.join(app.tmp, 'rings.ome.zarr');
  const image = await createOmeZarr(store, { shape: [DEPTH, SIZE, SIZE], dtype: 'uint8', chunks: [1, 256, 256], voxelSize: { x: 4, y: 4, z: 50, unit: 'nanometer' }, version: 2 });
  const plane = new Uint8Array(SIZE * SIZE);
  for (let z = 0; z < DEPTH; z++) {
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) plane[y * SIZE + x] = (Math.hypot(x - SIZE / 2, y - SIZE / 2) + z * 20) % 64 < 8 ? 30 : 200;
    await writeRegion(image.levels[0]!, { z: [z, z + 1], y: [0, SIZE], x: [0, SIZE] }, plane);
  }
  await buildPyramid(image);
  // A segmentation of the rings: each ring between two dark bands is one neuron.
  const labels = await createLabelImage(image, 'rings');
  const ids = new Uint32Array(SIZE * SIZE);
  for (let z = 0; z < DEPTH; z++) {
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) ids[y * SIZE + x] = 1 + Math.floor((Math.hypot(x - SIZE / 2, y - SIZE / 2) + z * 20) / 64);
    await writeRegion(labels.levels[0]!, { z: [z, z + 1], y: [0, SIZE], x: [0, SIZE] }, ids);
  }
  await buildPyramid(labels);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

/** Share of canvas pixels that are dark rings (the image is drawn). */
async function ringFraction(): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-canvas"]')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! > 10 && data[i]! < 80) dark++;
    return dark / (data.length / 4);
  });
}

describe('a lazily read OME-Zarr volume in Chromium', () => {
  it('opens from its folder and draws the visible tiles at the matching scale', async () => {
    await page.getByTestId('open-button').click();
    await page.getByTestId('open-path-input').fill(store);
    await page.getByTestId('open-path-submit').click();
    await expect.poll(() => page.getByTestId('status').innerText(), { timeout: 30_000 }).toContain('OME-Zarr');
    await expect.poll(ringFraction, { timeout: 20_000 }).toBeGreaterThan(0.05);
    const cacheAtFit = await page.getByTestId('status-cache').innerText();
    // Zoom to 1:1 on the centre: finer tiles load, the rings stay on screen throughout.
    await page.keyboard.press('1');
    await expect.poll(ringFraction, { timeout: 20_000 }).toBeGreaterThan(0.05);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('slice-label').innerText()).toContain('z 1');
    await expect.poll(ringFraction, { timeout: 20_000 }).toBeGreaterThan(0.05);
    await page.screenshot({ path: path.join(ARTIFACTS, 'lazy-volume.png') });
    const cache = await page.getByTestId('status-cache').innerText();
    console.log(`Lazy OME-Zarr ${SIZE}² × ${DEPTH}: tile cache at fit "${cacheAtFit.replace(/\s+/g, ' ')}", after zooming to 1:1 and one slice "${cache.replace(/\s+/g, ' ')}"`);
    // Far less than the whole volume would take in the cache (level 0 alone: 4 slices × 2048² ×
    // 5 bytes, voxels and RGBA, = 80 MB) is held after looking at part of two slices.
    const used = Number(/cache (\d+)/.exec(cache.replace(/\s+/g, ' '))?.[1]);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(40);
  }, 90_000);

  it('shows a segmentation over the volume, tile by tile in segment colours, with the id under the cursor', async () => {
    const tinted = (): Promise<number> =>
      page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewer-canvas"]')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 0; i < data.length; i += 4) if (Math.max(Math.abs(data[i]! - data[i + 1]!), Math.abs(data[i + 1]! - data[i + 2]!)) > 20) count++;
        return count / (data.length / 4);
      });
    expect(await tinted()).toBeLessThan(0.01);
    await page.getByTestId('open-button').click();
    await page.getByTestId('open-label-names').getByRole('button', { name: 'rings' }).click();
    await page.getByTestId('labels-chip').waitFor({ timeout: 20_000 });
    await expect.poll(tinted, { timeout: 20_000 }).toBeGreaterThan(0.3);
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('status-label-id').innerText(), { timeout: 10_000 }).toMatch(/segment ≈?#\d+/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'lazy-volume-labels.png') });
    await page.keyboard.press('Shift+I');
    await expect.poll(tinted).toBeLessThan(0.01);
    await page.keyboard.press('Shift+I');
    await expect.poll(tinted).toBeGreaterThan(0.3);
    await page.getByRole('button', { name: 'Close the labels' }).click();
    await expect.poll(tinted).toBeLessThan(0.01);
  }, 90_000);
});
