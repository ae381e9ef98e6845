import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, ROOT } from './launchServe.js';

/** The Electron binary, if its installer could download it (it cannot on the CI machine). */
function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown as string;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  console.warn(
    'Skipping the Electron tests: no Electron binary is installed (node_modules/electron/dist is missing because its ' +
      'download was not possible here). Run `npx electron --version` on a machine with internet access to install it; the ' +
      'same renderer is tested in Chromium against serve mode in e2e/serve.test.ts.',
  );
}

/** A first run shows the start screen: open the sample as a new user does. */
async function trySample(window: Page): Promise<void> {
  await window.getByTestId('start-screen').waitFor({ timeout: 30_000 });
  await window.getByTestId('try-sample').click();
  await window.getByTestId('slice-label').waitFor({ timeout: 30_000 });
}

/** Each launch gets a fresh Membrana folder, so no earlier run's last project or recent list is read. */
function launch(args: string[]): ReturnType<typeof electron.launch> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'membrana-electron-'));
  return electron.launch({ executablePath: binary!, args, cwd: ROOT, env: { ...process.env, MEMBRANA_HOME: home } as Record<string, string> });
}

describe.skipIf(!binary)('Electron app', () => {
  it('opens a window with the sample, with the engine in a utility process and a locked-down renderer', async () => {
    const app = await launch([ROOT]);
    try {
      const window = await app.firstWindow();
      await trySample(window);
      expect(await window.getByTestId('status').textContent()).toContain('4 × 4 × 50 nm');
      // No Node in the page, and only the contract's bridge.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await window.evaluate(() => Object.keys((window as unknown as { membrana: object }).membrana).sort())).toEqual(
        ['onEngineStopped', 'onMenu', 'onOpenPath', 'requestEnginePort', 'showOpenDialog'],
      );
      expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      const prefs = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
      expect(prefs).toBe(1);
      await window.screenshot({ path: path.join(ARTIFACTS, 'electron-window.png') });
    } finally {
      await app.close();
    }
  });

  it('restarts a killed engine; a reloaded page gets a fresh port to it and works', async () => {
    const app = await launch([ROOT]);
    try {
      const window = await app.firstWindow();
      await trySample(window);
      const enginePids = (): Promise<number[]> =>
        app.evaluate(({ app: electronApp }) => electronApp.getAppMetrics().filter((m) => m.name === 'Membrana engine').map((m) => m.pid));
      const [first] = await enginePids();
      expect(first).toBeGreaterThan(0);
      process.kill(first!, 'SIGKILL');
      await expect.poll(async () => (await enginePids()).filter((pid) => pid !== first).length, { timeout: 30_000 }).toBe(1);
      await window.reload();
      // The reloaded page reopens the sample's project, its last one.
      await window.getByTestId('slice-label').waitFor({ timeout: 30_000 });
      expect(await window.getByTestId('status').textContent()).toContain('4 × 4 × 50 nm');
    } finally {
      await app.close();
    }
  });

  it('opens a stack given on the command line', async () => {
    const stack = path.join(ROOT, 'assets', 'sample', 'isbi2012-test-crop.tif');
    const app = await launch([ROOT, stack]);
    try {
      const window = await app.firstWindow();
      await expect.poll(async () => window.getByTestId('status').textContent(), { timeout: 30_000 }).toContain('isbi2012-test-crop.tif');
    } finally {
      await app.close();
    }
  });
});
