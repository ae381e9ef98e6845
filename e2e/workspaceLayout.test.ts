import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from './launchServe.js';
import { openSampleProject, type SampleProject } from './sampleProject.js';
import { panelOverflow, showTab, unreachable } from './workspaceChecks.js';

// The workspace at a laptop's 1366 × 768 and at 1920 × 1080, in Chromium against serve mode on
// the built-in sample (384 × 384 × 16): every main action can be reached without scrolling,
// each tab of the project panel fits its height, a running fine-tune leaves its controls in
// view, the contrast controls start folded, and the settings survive a reload. Screenshots of
// each into e2e/artifacts/workspace-*.png.

let sample: SampleProject;
let page: Page;
let tmp: string;
let pageErrors: string[];

/** The main actions of each tab; the tool bar's are checked with every tab. */
const ACTIONS = {
  project: [],
  predict: ['predict-slice', 'predict-all'],
  correct: [],
  learn: ['fine-tune', 'fine-tune-steps', 'validation-toggle'],
  neurons: ['segment', 'import-segmentation'],
  export: ['export-meshes', 'export-dir'],
  review: ['next-review'],
} as const;
const TOOL_BAR = ['tool-pan', 'tool-membrane', 'tool-cell', 'tool-fill', 'tool-lasso', 'undo', 'redo', 'tool-select', 'tool-merge', 'tool-cut', 'tool-seeds'];

type Tab = keyof typeof ACTIONS;

/** Every tab in turn: its actions and the tool bar's in view, its content within the panel's height. */
async function checkEveryTab(size: string): Promise<void> {
  for (const tab of Object.keys(ACTIONS) as Tab[]) {
    await showTab(page, tab);
    for (const id of [...ACTIONS[tab], ...TOOL_BAR]) expect(await unreachable(page, id), `${tab} tab at ${size}`).toBeNull();
    expect(await panelOverflow(page), `the ${tab} tab overflows the panel at ${size}`).toBe(0);
  }
  expect(await unreachable(page, 'layers-panel'), size).toBeNull();
}

async function shot(name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(ARTIFACTS, `workspace-${name}.png`) });
}

async function waitJob(id: 'job' | 'neuron-job', timeout: number): Promise<void> {
  await page.getByTestId(id).waitFor({ timeout: 10_000 });
  await page.getByTestId(id).waitFor({ state: 'detached', timeout });
}

beforeAll(async () => {
  sample = await openSampleProject('workspace', { width: 1366, height: 768 });
  ({ page, tmp, pageErrors } = sample);
}, 90_000);

afterAll(async () => {
  await sample?.close();
});

describe('the workspace fits the screen', () => {
  it('opens a project with the contrast controls folded and every main action in view at 1366 × 768', async () => {
    expect(await page.getByTestId('contrast-panel').count()).toBe(0);
    await checkEveryTab('1366 × 768');
    await showTab(page, 'predict');
    await shot('predict-1366x768');
  });

  it('keeps Fine-tune, its progress and Cancel in view while a fine-tune runs', async () => {
    await page.keyboard.press('b');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    for (let k = 0; k < 3; k++) {
      await page.mouse.move(box.x + box.width / 2 - 80, box.y + box.height / 2 - 40 + k * 40);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 - 40 + k * 40, { steps: 10 });
      await page.mouse.up();
    }
    await page.getByTestId('save-state').filter({ hasText: 'All edits saved' }).waitFor({ timeout: 10_000 });
    await showTab(page, 'learn');
    await page.getByTestId('fine-tune-steps').fill('40');
    await page.getByTestId('fine-tune').click();
    await page.getByTestId('job').waitFor({ timeout: 10_000 });
    await page.getByTestId('training-figures').waitFor({ timeout: 180_000 });
    for (const id of ['fine-tune', 'fine-tune-steps', 'validation-toggle', 'job', 'cancel-job', 'loss-plot', 'training-figures']) expect(await unreachable(page, id)).toBeNull();
    await shot('fine-tune-1366x768');
    await page.getByTestId('cancel-job').click();
    await page.getByTestId('job').waitFor({ state: 'detached', timeout: 60_000 });
  }, 240_000);

  it('segments from the Neurons tab and keeps its actions and list in view', async () => {
    await showTab(page, 'predict');
    await page.getByTestId('predict-all').click();
    await waitJob('job', 240_000);
    await showTab(page, 'neurons');
    await page.getByTestId('segment').click();
    await waitJob('neuron-job', 240_000);
    await expect.poll(() => page.getByTestId('neuron-count').innerText()).toMatch(/^\d+ from/);
    await page.keyboard.press('s');
    await page.getByTestId('segment-list').locator('tbody tr').first().click();
    await page.getByTestId('segment-selected').waitFor();
    for (const id of ['segment', 'segment-selected', 'segment-list', 'tool-select', 'tool-merge', 'tool-cut', 'tool-seeds', 'layer-segments']) expect(await unreachable(page, id)).toBeNull();
    expect(await panelOverflow(page)).toBe(0);
    await showTab(page, 'export');
    await page.getByTestId('export-dir').fill(path.join(tmp, 'meshes'));
    expect(await page.getByTestId('export-meshes').isEnabled()).toBe(true);
    await showTab(page, 'neurons');
    await shot('neurons-1366x768');
  }, 540_000);

  it('restores display, tools and panels after a reload, and starts afresh from damaged settings', async () => {
    await page.getByTestId('colormap').selectOption('magma');
    await page.getByLabel('Predicted membranes opacity').fill('0.3');
    await page.keyboard.press('t');
    await page.keyboard.press('u');
    await page.keyboard.press('l');
    for (let k = 0; k < 4; k++) await page.keyboard.press(']');
    const brush = await page.getByTestId('brush-size').innerText();
    await page.getByRole('button', { name: 'Contrast', exact: true }).click();
    await page.getByTestId('contrast-panel').waitFor();
    await page.getByTestId('tab-learn').click();
    await page.getByTestId('fine-tune-steps').fill('25');
    await page.getByRole('button', { name: 'Fold the project panel' }).click();

    await page.reload();
    await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
    await page.getByTestId('tool-strip').waitFor();
    expect(await page.getByTestId('panel-body').count()).toBe(0);
    await page.getByRole('button', { name: 'Unfold the project panel' }).click();
    expect(await page.getByTestId('tab-learn').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('fine-tune-steps').inputValue()).toBe('25');
    expect(await page.getByTestId('colormap').inputValue()).toBe('magma');
    expect(await page.getByLabel('Predicted membranes opacity').inputValue()).toBe('0.3');
    expect(await page.getByTestId('threshold-view').isChecked()).toBe(true);
    expect(await page.getByTestId('layer-segments').getByRole('checkbox').isChecked()).toBe(true);
    expect(await page.getByTestId('tool-lasso').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('brush-size').innerText()).toBe(brush);
    expect(await page.getByTestId('contrast-panel').isVisible()).toBe(true);
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('membrana.settings')))!).version).toBe(1);
    await shot('restored-1366x768');

    await page.evaluate(() => localStorage.setItem('membrana.settings', '{"version": 1, "display": {"colormap": 7'));
    await page.reload();
    await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('tab-predict').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('colormap').inputValue()).toBe('magenta');
    expect(await page.getByTestId('contrast-panel').count()).toBe(0);
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  }, 90_000);

  it('fits 1920 × 1080 the same way', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await checkEveryTab('1920 × 1080');
    await showTab(page, 'neurons');
    await shot('neurons-1920x1080');
    await showTab(page, 'learn');
    await shot('learn-1920x1080');
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  }, 60_000);
});
