/**
 * Smoke test of the desktop main process without the Electron binary: build/electron/main.js runs
 * against a recording stand-in for `electron` (e2e/shell/electronStandIn.ts), with the engine's
 * utility-process entry forked as a real Node child process. The test plays the pages.
 *
 * What this proves: main's own logic — the single-instance lock, file opening (macOS open-file,
 * second launches, file:// URIs), the menu acting on whatever window exists, one port per page
 * straight to the engine and its renewal on reload, crash and engine restart, the restart backoff
 * and the final message, the permission handlers, the packaging settings.
 *
 * Item 7 (the relay's per-window id map) belongs to serve mode's RpcRelay now that Electron pages
 * have their own ports: protocol/RpcRelay.test.ts tests its pruning.
 *
 * What only a real Electron run can prove (e2e/electron.test.ts, on a machine with the binary):
 * that Chromium delivers webContents.postMessage's port to the preload and window.postMessage
 * hands it across context isolation; that a utility process's MessagePortMain structured-clones
 * like the stand-in's port; app:// serving through net.fetch; the sandbox; Chromium consulting the
 * permission handlers; macOS Finder's open-file, Linux's desktop-file registration and %U; the lock
 * across real processes; native dialogs; electron-builder packages.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { minimatch } from 'minimatch';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Configuration } from 'electron-builder';
import type { RpcMessage, VolumeInfo } from '../protocol/contract.js';
import type { EnginePortNotice } from '../protocol/electronBridge.js';
import type * as RpcClientModule from '../protocol/RpcClient.js';
import type { MessageLink } from '../protocol/RpcClient.js';
import { ROOT } from './launchServe.js';
import * as electron from './shell/electronStandIn.js';
import type { StandInPort } from './shell/StandInPort.js';

vi.mock('electron', () => import('./shell/electronStandIn.js'));

const { createEngineClient } = (await import(pathToFileURL(path.join(ROOT, 'build/protocol/RpcClient.js')).href)) as typeof RpcClientModule;
const SAMPLE = path.join(ROOT, 'assets', 'sample', 'isbi2012-test-crop.tif');

function pageLink(port: StandInPort): MessageLink {
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => {
      const handler = (event: { data: RpcMessage }): void => listener(event.data);
      port.on('message', handler);
      return () => port.off('message', handler);
    },
  };
}

/** The latest engine port main gave this page, and its notice. */
function latestPort(contents: electron.WebContents): { port: StandInPort; notice: EnginePortNotice } {
  const posted = contents.posted.filter((p) => p.channel === 'membrana:engine-port').at(-1);
  if (!posted?.ports[0]) throw new Error(`page ${contents.id} has no engine port`);
  return { port: posted.ports[0], notice: posted.message as EnginePortNotice };
}

function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const value = probe();
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`Timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

const windows = (): electron.BrowserWindow[] => electron.BrowserWindow.getAllWindows();
const firstPage = (): electron.WebContents => electron.BrowserWindow.all[0]!.webContents;
const forks = (): typeof electron.engines => electron.engines;

let home = '';

beforeAll(async () => {
  // The engines main forks inherit this: their log, recent list and projects go to a scratch folder.
  home = mkdtempSync(path.join(os.tmpdir(), 'membrana-main-'));
  process.env.MEMBRANA_HOME = home;
  await import(pathToFileURL(path.join(ROOT, 'build/electron/main.js')).href);
  // macOS launches an app for a file with open-file before `ready`: that file is the startup path.
  const event = { preventDefault: vi.fn() };
  electron.app.emit('open-file', event, SAMPLE);
  expect(event.preventDefault).toHaveBeenCalled();
  electron.becomeReady();
  await waitFor(() => windows().length === 1, 'the first window');
  electron.BrowserWindow.all[0]!.finishLoad();
}, 60_000);

afterAll(() => {
  electron.app.emit('will-quit');
  for (const { engine } of forks()) engine.kill();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('desktop main process (stand-in electron, real engine process)', () => {
  it('takes the single-instance lock and loads the app page in a locked-down window', () => {
    expect(electron.calls.find((c) => c.what === 'app.requestSingleInstanceLock')).toBeTruthy();
    expect(electron.calls.find((c) => c.what === 'loadURL')?.args[0]).toBe('app://membrana/index.html');
    const options = electron.BrowserWindow.all[0]!.options as { webPreferences: Record<string, unknown> };
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  });

  it('gives the page a port straight to the engine: hello, open the sample, get a slice', async () => {
    electron.pageSends(firstPage(), 'membrana:request-engine-port');
    const { port, notice } = latestPort(firstPage());
    expect(notice).toEqual({ replaces: null });
    const client = createEngineClient(pageLink(port));
    // Review item 3 (macOS): the file from open-file before ready is the engine's startup path.
    expect(await client.hello({})).toMatchObject({ host: 'electron', startupPath: SAMPLE });
    const volume: VolumeInfo = await client.openSample({});
    const slice = await client.getSlice({ volumeId: volume.id, z: 3 });
    expect(slice.z).toBe(3);
    expect(slice.data).toBeInstanceOf(ArrayBuffer);
    expect(slice.data.byteLength).toBe(slice.width * slice.height * (slice.dtype === 'uint8' ? 1 : slice.dtype === 'uint16' ? 2 : 4));
    client.dispose();
  });

  it('gives no port to a frame that is not the app page: another origin, or an iframe in it', () => {
    const before = firstPage().posted.length;
    electron.pageSends(firstPage(), 'membrana:request-engine-port', { url: 'https://example.org/' });
    electron.pageSends(firstPage(), 'membrana:request-engine-port', { url: 'app://membrana/index.html', iframe: true });
    expect(firstPage().posted.length).toBe(before);
  });

  it('item 6: a reload or renderer crash drops the page’s port, so an old page’s results cannot reach the new page; a crashed page is reloaded once', async () => {
    const page = firstPage();
    const old = latestPort(page).port;
    const closed = new Promise<void>((resolve) => old.once('close', () => resolve()));
    page.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: 'app://membrana/index.html' });
    await closed; // the engine dropped the old page's end (cancelling its calls)
    electron.pageSends(page, 'membrana:request-engine-port');
    const fresh = latestPort(page).port;
    expect(fresh).not.toBe(old);
    const client = createEngineClient(pageLink(fresh));
    await expect(client.hello({})).resolves.toMatchObject({ host: 'electron' });
    const crashed = new Promise<void>((resolve) => fresh.once('close', () => resolve()));
    page.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    await crashed;
    client.dispose();
    // The crashed page is reloaded once; the reloaded page asks for its port again.
    expect(electron.calls.filter((c) => c.what === 'webContents.reload')).toEqual([{ what: 'webContents.reload', args: [page.id] }]);
    electron.BrowserWindow.all[0]!.finishLoad();
    electron.pageSends(page, 'membrana:request-engine-port');
    // A second crash within a minute is not reloaded in a loop: the user is told.
    page.emit('render-process-gone', {}, { reason: 'oom', exitCode: 2 });
    expect(electron.calls.filter((c) => c.what === 'webContents.reload')).toHaveLength(1);
    const box = electron.calls.find((c) => c.what === 'dialog.showErrorBox');
    expect(box?.args).toEqual(['The Membrana window crashed again', expect.stringContaining('(oom, exit code 2) twice within a minute')]);
    electron.pageSends(page, 'membrana:request-engine-port'); // as if the user reloaded it
  });

  it('item 1: restarts a killed engine after growing waits with a fresh port per page, then gives up with a clear message', async () => {
    const page = firstPage();
    const waits: number[] = [];
    for (let kill = 1; kill <= 3; kill++) {
      const current = forks().at(-1)!;
      const portsBefore = page.posted.length;
      process.kill(current.engine.pid!, 'SIGKILL');
      const next = await waitFor(() => forks().length === kill + 1 && forks().at(-1), `restart ${kill}`, 20_000);
      waits.push(next.startedAt - (current.exitedAt ?? next.startedAt));
      // The page gets a port to the new engine, saying why its old calls failed.
      await waitFor(() => page.posted.length > portsBefore, 'a port to the new engine');
      const { port, notice } = latestPort(page);
      expect(notice.replaces).toMatchObject({ code: 'ENGINE_RESTARTED', message: expect.stringMatching(/stopped .*restarted/) });
      const client = createEngineClient(pageLink(port));
      await expect(client.hello({})).resolves.toMatchObject({ host: 'electron' });
      client.dispose();
    }
    expect(waits[0]).toBeGreaterThanOrEqual(240);
    expect(waits[1]).toBeGreaterThanOrEqual(990);
    expect(waits[2]).toBeGreaterThanOrEqual(3990);
    process.kill(forks().at(-1)!.engine.pid!, 'SIGKILL');
    const box = await waitFor(() => electron.calls.find((c) => c.what === 'dialog.showErrorBox' && c.args[0] === 'The Membrana engine stopped'), 'the give-up message');
    expect(box.args[1]).toMatch(/stopped 4 times in a row .*not started again/);
    expect(page.sent.find(([channel]) => channel === 'membrana:engine-stopped')?.[1]).toBe(box.args[1]);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the old main forked again within milliseconds
    expect(forks()).toHaveLength(4); // no fifth engine
  }, 90_000);

  it('item 2: menu actions reach whichever window exists, after the first one is closed (macOS)', async () => {
    electron.BrowserWindow.all[0]!.destroy();
    expect(windows()).toHaveLength(0);
    electron.app.emit('activate');
    const second = windows()[0]!;
    second.finishLoad();
    electron.clickMenu('File', 'Save');
    expect(second.webContents.sent).toContainEqual(['membrana:menu', 'save']);
    // With no window at all, File › Open makes one and opens the chosen file in it once it loaded.
    second.destroy();
    electron.dialogAnswers.push({ canceled: false, filePaths: [SAMPLE] });
    electron.clickMenu('File', 'Open…');
    const third = await waitFor(() => windows()[0], 'a window for File › Open');
    await waitFor(() => electron.calls.filter((c) => c.what === 'dialog.showOpenDialog').length === 1, 'the dialog');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(third.webContents.sent).toEqual([]); // still loading
    third.finishLoad();
    expect(third.webContents.sent).toContainEqual(['membrana:open-path', SAMPLE]);
  });

  it('item 3: files opened from the desktop go to the running app (open-file, second-instance with a file:// URI)', () => {
    const window = windows()[0]!;
    window.focus();
    electron.app.emit('open-file', { preventDefault: vi.fn() }, '/data/finder.tif');
    expect(window.webContents.sent).toContainEqual(['membrana:open-path', '/data/finder.tif']);
    window.minimized = true;
    electron.app.emit('second-instance', {}, ['/usr/bin/electron', '.', '--flag', 'file:///data/my%20stack.tif'], '/home/me');
    expect(window.webContents.sent).toContainEqual(['membrana:open-path', '/data/my stack.tif']);
    electron.app.emit('second-instance', {}, ['/usr/bin/electron', '.', 'rel/b.tif'], '/home/me');
    expect(window.webContents.sent).toContainEqual(['membrana:open-path', path.resolve('/home/me', 'rel/b.tif')]);
    expect(window.minimized).toBe(false);
  });

  it("item 8: refuses every permission but the app pages' clipboard writes, asked or checked, and serves only the built UI", async () => {
    const ses = electron.session.defaultSession;
    const asked = (permission: string, url: string): unknown => {
      const callback = vi.fn();
      (ses.requestHandler as (...a: unknown[]) => void)({}, permission, callback, { requestingUrl: url });
      return callback.mock.calls[0]?.[0];
    };
    const checked = (permission: string, origin: string): unknown => (ses.checkHandler as (...a: unknown[]) => boolean)({}, permission, origin, {});
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      expect(asked(permission, 'app://membrana/index.html')).toBe(false);
      expect(checked(permission, 'app://membrana')).toBe(false);
    }
    // Help › Copy diagnostics writes the report to the clipboard; only the app's own pages may.
    expect(asked('clipboard-sanitized-write', 'app://membrana/index.html')).toBe(true);
    expect(checked('clipboard-sanitized-write', 'app://membrana')).toBe(true);
    expect(asked('clipboard-sanitized-write', 'https://elsewhere.example/')).toBe(false);
    expect(checked('clipboard-sanitized-write', 'https://elsewhere.example')).toBe(false);
    expect((ses.deviceHandler as (...a: unknown[]) => boolean)({ deviceType: 'usb' })).toBe(false);
    const serve = electron.protocol.handlers.get('app')!;
    expect((await serve(new Request('app://membrana/..%2F..%2Fpackage.json'))).status).toBe(404);
    expect((await serve(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  it('items 4 and 5: one dist script per platform; no native rebuild; tfjs-node, Dawn and ONNX Runtime only for their platform, without CUDA', async () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['dist:linux']).toMatch(/--linux$/);
    expect(scripts['dist:win']).toMatch(/--win$/);
    expect(scripts['dist:mac']).toMatch(/--mac$/);
    expect(scripts.dist).not.toMatch(/--mac/);
    const { default: config } = (await import(pathToFileURL(path.join(ROOT, 'build/electron.config.js')).href)) as { default: Configuration };
    expect(config.npmRebuild).toBe(false);
    expect(config.fileAssociations).toContainEqual(expect.objectContaining({ mimeType: 'image/tiff' }));
    const files = { linux: config.linux?.files, win32: config.win?.files, darwin: config.mac?.files } as Record<string, string[]>;
    for (const [platform, excluded] of Object.entries(files)) {
      const tfjsExcluded = excluded.includes('!node_modules/@tensorflow/tfjs-node/**');
      expect(tfjsExcluded).toBe(platform !== process.platform);
      expect(excluded).not.toContain(`!node_modules/webgpu/dist/${platform}-*/**`);
      expect(excluded.filter((pattern) => pattern.startsWith('!node_modules/webgpu/dist/'))).toHaveLength(2);
      // onnxruntime-node: only this platform's binaries, only the built architecture (a universal
      // macOS build keeps both), never the CUDA or TensorRT providers. Matched as electron-builder
      // does (minimatch, dot: true, after it expands ${arch}); x64 is the architecture built.
      const onnx = 'node_modules/onnxruntime-node/bin/napi-v6';
      const patterns = excluded.filter((pattern) => pattern.startsWith(`!${onnx}/`)).map((pattern) => pattern.slice(1).replaceAll('${arch}', 'x64'));
      const packed = (file: string): boolean => !patterns.some((pattern) => minimatch(`${onnx}/${file}`, pattern, { dot: true }));
      expect(packed(`${platform}/x64/onnxruntime_binding.node`)).toBe(true);
      expect(packed(`${platform}/arm64/onnxruntime_binding.node`)).toBe(platform === 'darwin');
      for (const other of ['linux', 'win32', 'darwin'].filter((name) => name !== platform)) expect(packed(`${other}/x64/onnxruntime_binding.node`)).toBe(false);
      for (const provider of ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_tensorrt.so', 'libonnxruntime_providers_shared.so', 'onnxruntime_providers_cuda.dll']) {
        expect(packed(`${platform}/x64/${provider}`)).toBe(false);
      }
      expect(packed(`${platform}/x64/${{ linux: 'libonnxruntime.so.1', win32: 'onnxruntime.dll', darwin: 'libonnxruntime.1.dylib' }[platform]}`)).toBe(true);
    }
  });
});
