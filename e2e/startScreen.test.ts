import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from './launchServe.js';
import { SAMPLE_TIF, startApp, trySample, type AppSession } from './sampleProject.js';
import { showTab, unreachable } from './workspaceChecks.js';

// The first run, in Chromium against serve mode with a fresh home: the start screen, "Try the
// sample" making a project and landing in it, Recent after a reload (a missing folder marked and
// removed), Open… asking before it closes the project, and the browser's missing-file hint.

const SMALL = { width: 1366, height: 768 };
const LARGE = { width: 1920, height: 1080 };

let app: AppSession;
let page: Page;

beforeAll(async () => {
  app = await startApp('start-screen', SMALL);
  page = app.page;
}, 60_000);

afterAll(async () => {
  await app?.close();
});

/** Why the start screen does not fit the window without scrolling, or null. */
async function startScreenFits(p: Page): Promise<string | null> {
  for (const id of ['project-first', 'try-sample', 'start-open', 'start-open-project', 'workflow-guide']) {
    const why = await unreachable(p, id);
    if (why) return why;
  }
  return p.getByTestId('start-screen').evaluate((element) => (element.scrollHeight > element.clientHeight + 1 ? `the start screen scrolls (${element.scrollHeight} px in ${element.clientHeight})` : null));
}

/** The start screen fits, and its screenshot `name`-WxH.png, at 1366 × 768 and 1920 × 1080; then back at 1366 × 768. */
async function shootBothSizes(p: Page, name: string): Promise<void> {
  for (const size of [SMALL, LARGE]) {
    await p.setViewportSize(size);
    expect(await startScreenFits(p)).toBeNull();
    await p.screenshot({ path: path.join(ARTIFACTS, `${name}-${size.width}x${size.height}.png`) });
  }
  await p.setViewportSize(SMALL);
}

/** Forgets the last project in this browser, as a new browser (or a new serve port) would, and reloads. */
async function reloadWithoutLastProject(p: Page): Promise<void> {
  await p.evaluate(() => localStorage.removeItem('membrana:last-project'));
  await p.reload();
  await p.getByTestId('start-screen').waitFor({ timeout: 30_000 });
}

describe('the start screen in Chromium', () => {
  it('opens nothing by itself: says a project comes first, offers the ways in and the workflow, and fits 1366 × 768 and 1920 × 1080', async () => {
    expect(await page.getByTestId('project-first').innerText()).toMatch(/project comes first.*corrections.*model version.*nothing is lost/is);
    expect(await page.getByTestId('start-recent').count()).toBe(0);
    const guide = await page.getByTestId('workflow-guide').innerText();
    for (const step of ['Open', 'Project', 'Predict', 'Correct', 'Fine-tune', 'Neurons', 'Export']) expect(guide).toContain(step);
    expect(guide).toContain('Shift+P');
    expect(await page.getByTestId('slice-label').count()).toBe(0);
    await shootBothSizes(page, 'start-screen');
  });

  it('Try the sample makes a project in the home and lands in it, ready to predict', async () => {
    const projectDir = await trySample(page, app.home);
    expect(projectDir).toBe(path.join(app.home, 'projects', 'isbi2012-sample'));
    expect(existsSync(path.join(projectDir, 'image.tif'))).toBe(true);
    expect(await page.getByTestId('start-screen').count()).toBe(0);
    expect(await page.getByTestId('slice-label').innerText()).toContain('z 0 of 0–15');
    await showTab(page, 'project');
    expect(await page.getByTestId('project-panel').innerText()).toContain(projectDir);
    await showTab(page, 'predict');
    expect(await page.getByTestId('predict-slice').isEnabled()).toBe(true);
    expect(await unreachable(page, 'predict-slice')).toBeNull();
  }, 60_000);

  it('lists the project under Recent after a reload; trying again makes another; a missing folder is marked and removed', async () => {
    // A reload in the same browser picks the project up again.
    await page.reload();
    await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
    await reloadWithoutLastProject(page);
    await expect.poll(() => page.getByTestId('recent-entry').count()).toBe(1);
    expect(await page.getByTestId('recent-entry').innerText()).toContain('ISBI 2012 sample');
    // Trying again never collides with the first.
    expect(await trySample(page, app.home)).toBe(path.join(app.home, 'projects', 'isbi2012-sample-2'));
    rmSync(path.join(app.home, 'projects', 'isbi2012-sample'), { recursive: true });
    await reloadWithoutLastProject(page);
    await expect.poll(() => page.getByTestId('recent-entry').count()).toBe(2);
    const entries = page.getByTestId('recent-entry');
    expect(await entries.nth(0).innerText()).toContain('ISBI 2012 sample 2');
    expect(await entries.nth(0).getByTestId('recent-missing').count()).toBe(0);
    expect(await entries.nth(1).getByTestId('recent-missing').isVisible()).toBe(true);
    await shootBothSizes(page, 'start-screen-recent');
    await entries.nth(1).getByTestId('recent-remove').click();
    await expect.poll(() => page.getByTestId('recent-entry').count()).toBe(1);
    // The list is the engine's: a reload (or another browser) sees the same.
    await reloadWithoutLastProject(page);
    await expect.poll(() => page.getByTestId('recent-entry').count()).toBe(1);
    await entries.nth(0).getByRole('button', { name: /ISBI 2012 sample 2/ }).click();
    await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
  }, 90_000);

  it('asks before Open… on another stack closes the project; a missing file says what to do in a browser', async () => {
    const openPath = async (target: string): Promise<void> => {
      await page.getByTestId('open-button').click();
      await page.getByTestId('open-path-input').fill(target);
      await page.getByTestId('open-path-submit').click();
    };
    await openPath(SAMPLE_TIF);
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Close the project ISBI 2012 sample 2\?[\s\S]*isbi2012-test-crop\.tif[\s\S]*Nothing is lost/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'start-confirm-close-1366x768.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('project-panel').isVisible()).toBe(true);

    await openPath(SAMPLE_TIF);
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('project-panel').waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => page.getByTestId('status').innerText(), { timeout: 30_000 }).toContain('isbi2012-test-crop.tif');

    await openPath(path.join(app.tmp, 'nonexistent.tif'));
    const error = page.getByTestId('error');
    await error.waitFor();
    const text = await error.innerText();
    expect(text).toContain('does not exist');
    expect(text).toContain('Choose files…');
    expect(text).not.toContain('File ›');
    await page.screenshot({ path: path.join(ARTIFACTS, 'start-missing-file-1366x768.png') });
    await page.getByRole('button', { name: 'Dismiss' }).click();
    // With no project open, a stack opens without a question.
    await openPath(SAMPLE_TIF);
    await expect.poll(() => page.getByTestId('opening').count(), { timeout: 30_000 }).toBe(0);
    expect(await page.getByTestId('confirm-dialog').count()).toBe(0);
    expect(app.pageErrors, app.pageErrors.join('\n')).toEqual([]);
  }, 90_000);
});
