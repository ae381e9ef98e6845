/**
 * Review item 3: a second launch of the app (a file opened from the desktop while Membrana runs)
 * must not start a second app and engine. main.js runs against the stand-in `electron` whose
 * single-instance lock is already held; the first instance's side (second-instance) is in
 * e2e/electronMain.test.ts. Only a real Electron run proves the lock across real processes.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it, vi } from 'vitest';
import { ROOT } from './launchServe.js';
import * as electron from './shell/electronStandIn.js';

vi.mock('electron', () => import('./shell/electronStandIn.js'));

it('a second instance quits at once, starting no window and no engine', async () => {
  electron.app.lockResult = false;
  await import(pathToFileURL(path.join(ROOT, 'build/electron/main.js')).href);
  electron.becomeReady();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(electron.calls.map((c) => c.what)).toEqual(['protocol.registerSchemesAsPrivileged', 'app.requestSingleInstanceLock', 'app.quit']);
  expect(electron.engines).toHaveLength(0);
  expect(electron.app.listenerCount('open-file')).toBe(0);
});
