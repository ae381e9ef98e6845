import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTiff } from '../engine/io/writeTiff.js';
import { pixelAt, tintedFraction } from './canvasProbe.js';
import { ARTIFACTS, launchServe } from './launchServe.js';
import { openSampleProject, type SampleProject } from './sampleProject.js';
import { showTab } from './workspaceChecks.js';

// The proofreading loop end to end, in Chromium against serve mode on the built-in sample
// (384 × 384 × 16): a project from "Try the sample", predict, paint, undo/redo, reload, kill the
// engine, fine-tune briefly. Each step builds on the one before, as a user's session does.

let sample: SampleProject;
let page: Page;

beforeAll(async () => {
  sample = await openSampleProject('proofread', { width: 1400, height: 900 });
  page = sample.page;
}, 60_000);

afterAll(async () => {
  await sample?.close();
});

/** Drags the mouse across the canvas from (x0, y0) to (x1, y1), in canvas CSS pixels. */
async function drag(p: Page, x0: number, y0: number, x1: number, y1: number, steps = 12): Promise<void> {
  const box = (await p.getByTestId('viewer-canvas').boundingBox())!;
  await p.mouse.move(box.x + x0, box.y + y0);
  await p.mouse.down();
  await p.mouse.move(box.x + x1, box.y + y1, { steps });
  await p.mouse.up();
}

async function waitSaved(p: Page): Promise<void> {
  await p.getByTestId('save-state').filter({ hasText: 'All edits saved' }).waitFor({ timeout: 10_000 });
}

async function waitJobDone(p: Page, timeout = 120_000): Promise<void> {
  await p.getByTestId('job').waitFor({ state: 'detached', timeout });
}

/** Where the strokes go, in canvas pixels: right of the canvas centre, over the image (set once the project's panels are up). */
let STROKE = { x0: 0, y0: 0, x1: 0, y1: 0 };

describe('the proofreading loop in Chromium', () => {
  it('starts in a project on the sample with the shipped model', async () => {
    expect(await page.getByTestId('project-panel').innerText()).toContain('model v1');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    const [cx, cy] = [Math.round(box.width / 2), Math.round(box.height / 2)];
    STROKE = { x0: cx + 200, y0: cy + 16, x1: cx + 340, y1: cy + 16 };
  });

  it('predicts the current slice with progress, and the overlay shows it', async () => {
    expect(await tintedFraction(page)).toBeLessThan(0.001);
    await page.getByTestId('predict-slice').click();
    await page.getByTestId('job').waitFor({ timeout: 10_000 });
    await waitJobDone(page);
    await expect.poll(() => page.getByTestId('project-panel').innerText()).toContain('Slice 0 is predicted');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'proofreading-predicted.png') });
    // The status line gives the membrane probability under the cursor.
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + STROKE.x0, box.y + STROKE.y0);
    await expect.poll(() => page.getByTestId('status-membrane').innerText()).toMatch(/membrane p \d\.\d\d/);
    // The membranes show in magenta over the grey image.
    expect(await tintedFraction(page)).toBeGreaterThan(0.02);
    // O hides the prediction, and shows it again.
    await page.keyboard.press('o');
    await expect.poll(() => tintedFraction(page)).toBeLessThan(0.001);
    await page.keyboard.press('o');
    await expect.poll(() => tintedFraction(page)).toBeGreaterThan(0.02);
  });

  it('paints a membrane stroke, journals it, and undoes and redoes it', async () => {
    await page.keyboard.press('b');
    await drag(page, STROKE.x0, STROKE.y0, STROKE.x1, STROKE.y1);
    await waitSaved(page);
    await page.mouse.move(10, 10);
    await page.waitForTimeout(100);
    const painted = await pixelAt(page, (STROKE.x0 + STROKE.x1) / 2, STROKE.y0);
    // The membrane correction colour is yellow: red and green high, blue low.
    expect(painted[0]!).toBeGreaterThan(150);
    expect(painted[1]!).toBeGreaterThan(120);
    expect(painted[2]!).toBeLessThan(110);
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true);

    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('redo').isEnabled()).toBe(true);
    await page.waitForTimeout(100);
    const undone = await pixelAt(page, (STROKE.x0 + STROKE.x1) / 2, STROKE.y0);
    expect(undone[2]!).toBeGreaterThan(painted[2]!);

    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.getByTestId('redo').isEnabled()).toBe(false);
    await page.waitForTimeout(100);
    expect(await pixelAt(page, (STROKE.x0 + STROKE.x1) / 2, STROKE.y0)).toEqual(painted);
  });

  it('paints within a frame: prints the input-to-screen and input-to-journal times', async () => {
    await page.evaluate(() => performance.clearMeasures());
    for (let k = 0; k < 4; k++) await drag(page, STROKE.x0, STROKE.y0 + 60 + k * 12, STROKE.x1, STROKE.y0 + 60 + k * 12, 20);
    await waitSaved(page);
    const figures = await page.evaluate(() => {
      const stats = (name: string): { count: number; median: number; p95: number } => {
        const values = performance
          .getEntriesByName(name)
          .map((e) => e.duration)
          .sort((a, b) => a - b);
        return { count: values.length, median: values[Math.floor(values.length / 2)] ?? NaN, p95: values[Math.floor(values.length * 0.95)] ?? NaN };
      };
      return { paint: stats('membrana-paint'), save: stats('membrana-save') };
    });
    console.log(
      `Painting on a 384² slice in headless Chromium: input → drawn median ${figures.paint.median.toFixed(1)} ms, p95 ${figures.paint.p95.toFixed(1)} ms (${figures.paint.count} events); stroke → journaled and applied median ${figures.save.median.toFixed(1)} ms (${figures.save.count} strokes)`,
    );
    expect(figures.paint.count).toBeGreaterThan(10);
    expect(figures.save.count).toBe(4);
  });

  it('finds the edits intact after reloading the page (the project reopens)', async () => {
    await page.reload();
    await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    await page.mouse.move(10, 10);
    const painted = await pixelAt(page, (STROKE.x0 + STROKE.x1) / 2, STROKE.y0);
    expect(painted[2]!).toBeLessThan(110);
    // The undo history survives too.
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true);
  });

  it('loses nothing when the engine is killed: every saved edit is there after a restart', async () => {
    await page.keyboard.press('e');
    await drag(page, STROKE.x0, STROKE.y0 + 150, STROKE.x1, STROKE.y0 + 150);
    await waitSaved(page);
    await sample.serve.kill();
    await page.close();
    sample.serve = await launchServe([], { MEMBRANA_HOME: sample.home });
    page = sample.page = await sample.openPage();
    // A new port is a new origin with no memory of the last project: open it from Recent on the start screen.
    await page.getByTestId('recent-entry').first().getByRole('button', { name: /ISBI 2012 sample/ }).click();
    await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    await page.mouse.move(10, 10);
    const cell = await pixelAt(page, (STROKE.x0 + STROKE.x1) / 2, STROKE.y0 + 150);
    // The cell correction colour is cyan: blue high, red low.
    expect(cell[2]!).toBeGreaterThan(150);
    expect(cell[0]!).toBeLessThan(120);
    const membrane = await pixelAt(page, (STROKE.x0 + STROKE.x1) / 2, STROKE.y0);
    expect(membrane[2]!).toBeLessThan(110);
  }, 90_000);

  it('fine-tunes briefly on the corrections and reports before/after scores on a held-out slice', async () => {
    // Slice 1: corrections held out for validation.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('slice-label').innerText()).toContain('z 1');
    await page.waitForTimeout(300);
    await page.keyboard.press('b');
    await drag(page, STROKE.x0, STROKE.y0, STROKE.x1, STROKE.y0);
    await page.keyboard.press('e');
    await drag(page, STROKE.x0, STROKE.y0 + 80, STROKE.x1, STROKE.y0 + 80);
    await waitSaved(page);
    await page.keyboard.press('v');
    await showTab(page, 'learn');
    await expect.poll(() => page.getByTestId('validation-toggle').isChecked()).toBe(true);
    await page.getByTestId('fine-tune-steps').fill('4');
    await page.getByTestId('fine-tune').click();
    await page.getByTestId('job').waitFor({ timeout: 10_000 });
    await waitJobDone(page, 240_000);
    const after = await page.getByTestId('metrics-after').innerText();
    expect(after).toContain('v2');
    expect(after).toMatch(/\d\.\d{3}/);
    expect(await page.getByTestId('versions').innerText()).toContain('v2');
    await page.screenshot({ path: path.join(ARTIFACTS, 'proofreading-fine-tuned.png') });
    expect(sample.pageErrors, sample.pageErrors.join('\n')).toEqual([]);
  }, 300_000);

  it('stays fluid painting on a 4096² slice: prints the input-to-screen times', async () => {
    const size = 4096;
    const data = new Uint8Array(size * size);
    for (let i = 0; i < data.length; i++) data[i] = 60 + ((i * 2654435761) >>> 26);
    writeFileSync(path.join(sample.tmp, 'big.tif'), writeTiff({ width: size, height: size, depth: 1, dtype: 'uint8', data }));
    await page.getByTestId('open-button').click();
    await page.getByTestId('open-path-input').fill(path.join(sample.tmp, 'big.tif'));
    await page.getByTestId('open-path-submit').click();
    // It asks before closing the sample's project.
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('status').innerText(), { timeout: 30_000 }).toContain('4096 × 4096');
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-dir-input').fill(path.join(sample.tmp, 'big-project'));
    await page.getByTestId('project-submit').click();
    await expect.poll(() => page.getByTestId('project-panel').innerText(), { timeout: 60_000 }).toContain('big.tif');
    await page.waitForTimeout(1500);
    await page.keyboard.press('b');
    await page.evaluate(() => performance.clearMeasures());
    for (let k = 0; k < 3; k++) await drag(page, STROKE.x0 - 300, STROKE.y0 + k * 20, STROKE.x1, STROKE.y0 + 40 + k * 20, 20);
    await waitSaved(page);
    const values = await page.evaluate(() =>
      performance
        .getEntriesByName('membrana-paint')
        .map((e) => e.duration)
        .sort((a, b) => a - b),
    );
    const median = values[Math.floor(values.length / 2)]!;
    const p95 = values[Math.floor(values.length * 0.95)]!;
    console.log(`Painting on a 4096² slice in headless Chromium: input → drawn median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${values.length} events)`);
    expect(values.length).toBeGreaterThan(10);
  }, 120_000);
});
