import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
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

describe.skipIf(!binary)('Electron app', () => {
  it('opens a window with the sample, with the engine in a utility process and a locked-down renderer', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [ROOT], cwd: ROOT });
    try {
      const window = await app.firstWindow();
      await window.getByTestId('slice-label').waitFor({ timeout: 30_000 });
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
    const app = await electron.launch({ executablePath: binary!, args: [ROOT], cwd: ROOT });
    try {
      const window = await app.firstWindow();
      await window.getByTestId('slice-label').waitFor({ timeout: 30_000 });
      const enginePids = (): Promise<number[]> =>
        app.evaluate(({ app: electronApp }) => electronApp.getAppMetrics().filter((m) => m.name === 'Membrana engine').map((m) => m.pid));
      const [first] = await enginePids();
      expect(first).toBeGreaterThan(0);
      process.kill(first!, 'SIGKILL');
      await expect.poll(async () => (await enginePids()).filter((pid) => pid !== first).length, { timeout: 30_000 }).toBe(1);
      await window.reload();
      await window.getByTestId('slice-label').waitFor({ timeout: 30_000 });
      expect(await window.getByTestId('status').textContent()).toContain('4 × 4 × 50 nm');
    } finally {
      await app.close();
    }
  });

  it('opens a stack given on the command line', async () => {
    const stack = path.join(ROOT, 'assets', 'sample', 'isbi2012-test-crop.tif');
    const app = await electron.launch({ executablePath: binary!, args: [ROOT, stack], cwd: ROOT });
    try {
      const window = await app.firstWindow();
      await expect.poll(async () => window.getByTestId('status').textContent(), { timeout: 30_000 }).toContain('isbi2012-test-crop.tif');
    } finally {
      await app.close();
    }
  });
});
