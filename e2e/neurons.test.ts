import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOmeZarr } from '../engine/zarr/omeZarr.js';
import { fullRegion, writeRegion } from '../engine/zarr/readRegion.js';
import { ARTIFACTS } from './launchServe.js';
import { openSampleProject, type SampleProject } from './sampleProject.js';
import { showTab } from './workspaceChecks.js';

// Neurons end to end on the built-in sample (384 × 384 × 16, 4 × 4 × 50 nm): predict the
// stack, segment it, select, merge, undo, cut, see the 3D view, export meshes.

let sample: SampleProject;
let page: Page;
let tmp: string;
let projectDir: string;
let pageErrors: string[];

beforeAll(async () => {
  sample = await openSampleProject('neurons', { width: 1500, height: 950 });
  ({ page, tmp, projectDir, pageErrors } = sample);
}, 90_000);

afterAll(async () => {
  await sample?.close();
});

const segmentedCount = async (): Promise<number> => {
  const match = /(\d+) from/.exec(await page.getByTestId('neuron-count').innerText());
  return match ? Number(match[1]) : 0;
};

/** Clicks the canvas at a point given in canvas CSS pixels. */
async function clickCanvas(x: number, y: number): Promise<void> {
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  await page.mouse.click(box.x + x, box.y + y);
}

/** Canvas points over the image (CSS pixels) where two different segments sit, found from the status line. */
async function findTwoSegments(): Promise<[{ x: number; y: number; id: string }, { x: number; y: number; id: string }]> {
  const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
  const found: { x: number; y: number; id: string }[] = [];
  for (let y = box.height * 0.3; y < box.height * 0.7 && found.length < 2; y += 23) {
    for (let x = box.width * 0.3; x < box.width * 0.7 && found.length < 2; x += 23) {
      await page.mouse.move(box.x + x, box.y + y);
      const text = await page.getByTestId('status-segment').innerText();
      const match = /#(\d+)/.exec(text);
      if (match && !found.some((f) => f.id === match[1])) found.push({ x, y, id: match[1]! });
    }
  }
  if (found.length < 2) throw new Error('Could not find two segments on the slice');
  return [found[0]!, found[1]!];
}

describe('neurons in Chromium', () => {
  it('segments the predicted stack into neurons, with progress', async () => {
    await showTab(page, 'neurons');
    await page.getByTestId('segment').click();
    await page.getByTestId('neuron-job').waitFor({ timeout: 10_000 });
    await page.getByTestId('neuron-job').waitFor({ state: 'detached', timeout: 240_000 });
    expect(await segmentedCount()).toBeGreaterThan(5);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'neurons-segmented.png') });
  }, 300_000);

  it('selects, merges and undoes the merge, journaled', async () => {
    const [a, b] = await findTwoSegments();
    const before = await segmentedCount();
    await page.keyboard.press('m');
    await clickCanvas(a.x, a.y);
    await clickCanvas(b.x, b.y);
    await expect.poll(segmentedCount, { timeout: 20_000 }).toBe(before - 1);
    await page.mouse.move(0, 0);
    await page.keyboard.press('Control+z');
    await expect.poll(segmentedCount, { timeout: 20_000 }).toBe(before);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(segmentedCount, { timeout: 20_000 }).toBe(before - 1);
  });

  it('shows the selected neuron in the 3D view', async () => {
    const [a] = await findTwoSegments();
    await page.keyboard.press('s');
    await clickCanvas(a.x, a.y);
    await page.getByTestId('segment-selected').waitFor();
    await page.keyboard.press('3');
    await page.getByTestId('neuron-view').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'neurons-3d.png') });
  });

  it('exports the neurons as GLB and as a Neuroglancer precomputed folder', async () => {
    const dir = path.join(tmp, 'export');
    await showTab(page, 'export');
    await page.getByTestId('export-dir').fill(dir);
    await page.getByTestId('export-meshes').click();
    await expect.poll(() => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.glb')), { timeout: 60_000 }).toBe(true);
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  }, 90_000);

  it('imports a segmentation made elsewhere, after saying the proofread one is archived', async () => {
    // Four neurons, one per quadrant of the 384² sample, as a cluster's membrana segment would write them.
    const store = path.join(tmp, 'cluster-neurons.ome.zarr');
    const labels = await createOmeZarr(store, { shape: [16, 384, 384], dtype: 'uint32', version: 2, label: true });
    const ids = Uint32Array.from({ length: 16 * 384 * 384 }, (_, i) => 101 + (i % 384 < 192 ? 0 : 1) + (Math.floor(i / 384) % 384 < 192 ? 0 : 2));
    await writeRegion(labels.levels[0]!, fullRegion(labels.levels[0]!), ids);
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await showTab(page, 'neurons');
    await page.getByTestId('import-segmentation-path').fill(store);
    await page.getByTestId('import-segmentation').click();
    await expect.poll(segmentedCount, { timeout: 30_000 }).toBe(4);
    expect(asked).toContain('segments/archive/');
    expect(await page.getByTestId('neuron-count').innerText()).toContain('imported');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2 - 5, box.y + box.height / 2 - 5);
    await expect.poll(() => page.getByTestId('status-segment').innerText()).toMatch(/#10[1-4]/);
    expect(readdirSync(path.join(projectDir, 'segments', 'archive')).length).toBeGreaterThan(0);
  }, 60_000);
});
