/**
 * Help › Copy diagnostics in serve mode: the report reaches the clipboard with the app's version,
 * the compute packages' versions, the prediction provider and the engine's last log lines (read
 * from the log file the engine writes under MEMBRANA_HOME), and when the browser refuses the
 * clipboard the same report is shown, selected, to copy by hand.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, ROOT } from './launchServe.js';
import { openSampleProject, type SampleProject } from './sampleProject.js';

const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const ortManifest = path.join(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'package.json');
const ortVersion = (JSON.parse(readFileSync(ortManifest, 'utf8')) as { version: string }).version;

let sample: SampleProject;

beforeAll(async () => {
  sample = await openSampleProject('diagnostics', { width: 1366, height: 768 });
}, 120_000);

afterAll(async () => {
  await sample?.close();
});

describe('Help › Copy diagnostics', () => {
  it('copies a report with the versions, the provider and the last log lines, and confirms', async () => {
    const { page, serve, tmp } = sample;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(serve.url).origin });
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await page.getByTestId('help').waitFor();
    await page.getByTestId('copy-diagnostics').click();
    const note = page.getByTestId('diagnostics-copied');
    await note.waitFor({ timeout: 60_000 });
    expect(await note.textContent()).toMatch(/Diagnostics copied \(\d+ lines/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'diagnostics-copied-1366x768.png') });

    const text = await page.evaluate(() => navigator.clipboard.readText());
    const logFile = path.join(tmp, 'home', 'logs', 'membrana.log');
    expect(text).toMatch(/^Membrana diagnostics, \d{4}-\d\d-\d\dT/);
    expect(text).toContain(`Membrana:       ${version} (engine in serve mode)\n`);
    expect(text).toMatch(new RegExp(`Versions: +node \\d+\\.\\d+\\.\\d+.*onnxruntime-node ${ortVersion.replace(/\./g, '\\.')}`));
    expect(text).toMatch(/Prediction: +(cpu|webgpu|cuda|tfjs): /);
    expect(text).toContain(`Log file:       ${logFile}\n`);
    expect(text).toContain('Window:         browser, 1366×768 CSS px');
    // The engine's own lines, as the file has them: its start and the sample project opening.
    expect(text).toMatch(/\n\S+Z INFO {2}engine: Engine started host=serve version=/);
    expect(text).toMatch(/\n\S+Z INFO {2}project: Project open dir=/);
    expect(existsSync(logFile)).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toMatch(/INFO {2}serve: Serving host=127\.0\.0\.1/);
    expect(sample.pageErrors).toEqual([]);
  }, 120_000);

  it('shows the report selected when the clipboard is refused, and fits at 1920 × 1080 too', async () => {
    const { page } = sample;
    // What a browser does for a page over plain http, or when the user said no.
    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
    });
    await page.getByTestId('copy-diagnostics').click();
    const box = page.getByTestId('diagnostics-text');
    await box.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('diagnostics-shown').textContent()).toContain('The clipboard refused the report (Write permission denied). It is selected below');
    const shown = await box.evaluate((element: HTMLTextAreaElement) => ({
      text: element.value,
      selected: element.selectionEnd - element.selectionStart,
      focused: document.activeElement === element,
    }));
    expect(shown.text).toContain(`Membrana:       ${version}`);
    expect(shown.text).toMatch(/INFO {2}engine: Engine started/);
    expect(shown.selected).toBe(shown.text.length);
    expect(shown.focused).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'diagnostics-shown-1366x768.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'diagnostics-shown-1920x1080.png') });
    // The dialog still closes with its button.
    await page.getByRole('button', { name: 'Close help' }).click();
    await page.getByTestId('help').waitFor({ state: 'detached' });
  }, 120_000);
});
