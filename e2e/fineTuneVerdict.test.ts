import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from './launchServe.js';
import { openSampleProject, type SampleProject } from './sampleProject.js';
import { showTab } from './workspaceChecks.js';

// Fine-tuning that is judged, in Chromium against serve mode on the built-in sample
// (384 × 384 × 16): the scores of a held-out slice show as soon as it is corrected and
// predicted, before any training; and a fine-tune taught the opposite of the held-out
// corrections is kept as a version but not used, and the panel says why.

let sample: SampleProject;
let page: Page;

beforeAll(async () => {
  sample = await openSampleProject('verdict', { width: 1366, height: 768 });
  page = sample.page;
}, 60_000);

afterAll(async () => {
  await sample?.close();
});

/** Paints parallel strokes over a block of the canvas, in canvas CSS pixels from its centre. */
async function paintBlock(p: Page): Promise<void> {
  const box = (await p.getByTestId('viewer-canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (let k = 0; k < 6; k++) {
    const y = cy - 75 + k * 30;
    await p.mouse.move(cx - 90, y);
    await p.mouse.down();
    await p.mouse.move(cx + 90, y, { steps: 12 });
    await p.mouse.up();
  }
  await p.getByTestId('save-state').filter({ hasText: 'All edits saved' }).waitFor({ timeout: 10_000 });
}

async function waitJobDone(p: Page, timeout: number): Promise<void> {
  await p.getByTestId('job').waitFor({ timeout: 10_000 });
  await p.getByTestId('job').waitFor({ state: 'detached', timeout });
}

describe('a judged fine-tune in Chromium', () => {
  it('shows a held-out slice’s scores once it is corrected and predicted, before any training', async () => {
    await showTab(page, 'learn');
    await expect.poll(() => page.getByTestId('metrics-hint').isVisible()).toBe(true);
    // A big brush.
    for (let k = 0; k < 12; k++) await page.keyboard.press(']');
    // Slice 1, held out: "cell" over a whole block.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('slice-label').innerText()).toContain('z 1');
    await page.waitForTimeout(300);
    await page.keyboard.press('e');
    await paintBlock(page);
    await page.keyboard.press('v');
    await expect.poll(() => page.getByTestId('validation-toggle').isChecked()).toBe(true);
    await showTab(page, 'predict');
    await page.getByTestId('predict-slice').click();
    await waitJobDone(page, 120_000);
    await showTab(page, 'learn');
    await expect.poll(() => page.getByTestId('metrics-now').innerText(), { timeout: 10_000 }).toMatch(/v1 \(active\)\s+\d\.\d{3}/);
    expect(await page.getByTestId('metrics-hint').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'fine-tune-before-scores.png') });
  }, 180_000);

  it('keeps the active model when the fine-tuned one is not better on the held-out corrections, and says why', async () => {
    // Slice 0: "membrane" over the same block, the opposite of the held-out slice's labels.
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('slice-label').innerText()).toContain('z 0');
    await page.waitForTimeout(300);
    await page.keyboard.press('b');
    await paintBlock(page);
    await page.getByTestId('fine-tune-steps').fill('16');
    await page.getByTestId('fine-tune').click();
    await waitJobDone(page, 400_000);
    const verdict = page.getByTestId('fine-tune-verdict');
    await expect.poll(() => verdict.innerText()).toMatch(/^Kept v1; v2 is saved but not used\. (More errors|Not clearly better|Only 1 held-out tile)/);
    // The active model is still v1; v2 is listed, marked not used, with its before/after figures.
    expect(await page.getByTestId('project-panel').innerText()).toContain('model v1');
    expect(await page.getByTestId('versions').innerText()).toMatch(/v2 fine-tuned for 16 steps, best at step \d+; not used/);
    expect(await page.getByTestId('metrics-after').innerText()).toMatch(/v2 \(step \d+\)\s+\d\.\d{3}/);
    expect(await page.getByTestId('metrics-before').innerText()).toMatch(/v1 \(start\)\s+\d\.\d{3}/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'fine-tune-kept-1366x768.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'fine-tune-kept-1920x1080.png') });
    expect(sample.pageErrors, sample.pageErrors.join('\n')).toEqual([]);
  }, 450_000);
});
