import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from './launchServe.js';
import { openSampleProject, type SampleProject } from './sampleProject.js';
import { showTab } from './workspaceChecks.js';

// The small things a new user trips over, in Chromium against serve mode on the built-in sample
// (384 × 384 × 16), at a laptop's 1366 × 768: how the slice number reads, what a cancelled
// prediction says, the predicted count during a run, and an error about one slice going away
// when the user moves on. Screenshots at 1366 × 768 and 1920 × 1080.

let sample: SampleProject;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  sample = await openSampleProject('details', { width: 1366, height: 768 });
  ({ page, pageErrors } = sample);
}, 90_000);

afterAll(async () => {
  await sample?.close();
});

const predictedCount = async (): Promise<number> => Number(/(\d+) of 16 predicted/.exec(await page.getByTestId('project-panel').innerText())?.[1] ?? -1);

describe('proofreading details at 1366 × 768', () => {
  it('numbers slices from 0 and says how many there are', async () => {
    expect(await page.getByTestId('slice-label').innerText()).toBe('z 0 of 0–15');
    await showTab(page, 'learn');
    expect(await page.getByTestId('project-panel').innerText()).toContain('Corrected slices: none yet');
    await showTab(page, 'predict');
  });

  it('counts predicted slices as they come, and says what a cancelled prediction left', async () => {
    await page.getByTestId('predict-all').click();
    await page.getByTestId('job').waitFor({ timeout: 10_000 });
    // The count moves during the run, with the progress box, and the two agree while it runs (they
    // once read "1 of 16" and "13 of 16"): each poll reads both at once, a slice apart at most.
    const both = (): Promise<{ box: number; panel: number } | null> =>
      page.evaluate(() => {
        const box = /\((\d+) of 16\)/.exec((document.querySelector('[data-testid="job-stage"]') as HTMLElement | null)?.innerText ?? '');
        const panel = /(\d+) of 16 predicted/.exec((document.querySelector('[data-testid="project-panel"]') as HTMLElement | null)?.innerText ?? '');
        return box && panel ? { box: Number(box[1]), panel: Number(panel[1]) } : null;
      });
    const samples: { box: number; panel: number }[] = [];
    const sampled = async (): Promise<number> => {
      const sample = await both();
      if (sample) samples.push(sample);
      return sample?.panel ?? -1;
    };
    await expect.poll(sampled, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(1);
    for (const { box, panel } of samples) expect(Math.abs(box - panel), JSON.stringify(samples)).toBeLessThanOrEqual(1);
    await page.getByTestId('cancel-job').click();
    await page.getByTestId('job').waitFor({ state: 'detached', timeout: 30_000 });
    const notice = await page.getByTestId('job-notice').innerText();
    const match = /^Prediction cancelled: (\d+) of 16 slices done and kept \([\d–, ]+\)\.$/.exec(notice);
    expect(match, notice).not.toBeNull();
    const kept = Number(match![1]);
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(16);
    // The panel's count agrees with the notice.
    expect(await predictedCount()).toBe(kept);
    await page.screenshot({ path: path.join(ARTIFACTS, 'details-cancelled-1366x768.png') });
  }, 90_000);

  it('drops an error about one slice when the user moves to another', async () => {
    // The last slice has no prediction: a fill there runs into the whole slice and is refused.
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('slice-label').innerText()).toBe('z 15 of 0–15');
    await page.keyboard.press('g');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('error').innerText()).toContain('The fill would leak');
    expect(await page.getByTestId('error').innerText()).toContain('on slice 15');
    await page.screenshot({ path: path.join(ARTIFACTS, 'details-slice-error-1366x768.png') });
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('error').count()).toBe(0);
  });

  it('looks right at 1920 × 1080', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'details-1920x1080.png') });
    expect(await page.getByTestId('job-notice').isVisible()).toBe(true);
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});
