/**
 * The desktop renderer in Chromium, through the desktop bridge instead of serve mode's WebSocket:
 * the real preload (build/electron/preload.cjs) runs against a fake `electron` (shell/
 * fakePreloadHost.ts) and hands the page a real MessagePort whose far end is a real engine
 * process (the utility-process entry, forked with shell/forkEngine.ts). So every engine message
 * is structured-cloned by Chromium as in Electron, where serve mode's framing (JSON plus buffers)
 * would let a Svelte state proxy or a function through: such a call fails here with a
 * DataCloneError, which the page reports, and the test fails.
 *
 * Only a real Electron run proves that Electron's preload, contextBridge and MessagePortMain do
 * what the fakes here do (e2e/electron.test.ts, where the binary exists).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcMessage } from '../protocol/contract.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ROOT } from './launchServe.js';
import { fakePreloadScript } from './shell/fakePreloadHost.js';
import { ForkedEngine } from './shell/forkEngine.js';
import { pageCodec } from './shell/pageCodec.js';
import { StandInChannel, type StandInPort } from './shell/StandInPort.js';

const ORIGIN = 'http://membrana.test';
const SAMPLE = path.join(ROOT, 'assets', 'sample', 'isbi2012-test-crop.tif');
const codec = pageCodec();

let engine: ForkedEngine;
let browser: Browser;
let page: Page;
let tmp: string;
let enginePort: StandInPort | null = null;
const pageErrors: string[] = [];
/** Every call the page made to the engine, by method. */
const callsSeen: string[] = [];
const dialogAnswers: (string | null)[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-bridge-'));
  engine = new ForkedEngine(path.join(ROOT, 'build', 'engine', 'host', 'utilityProcess.js'), [], { MEMBRANA_HOME: path.join(tmp, 'home') });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  // The built UI, served as from app://membrana/ (the origin differs; the files are the same).
  await page.route(`${ORIGIN}/**`, (route) => {
    const file = path.join(ROOT, 'build', 'renderer', new URL(route.request().url()).pathname);
    return route.fulfill({ path: file });
  });
  // Main's part: a fresh engine port per request, as EnginePorts makes one.
  await page.exposeBinding('__shellConnect', () => {
    enginePort?.close();
    const channel = new StandInChannel();
    engine.postMessage({ kind: 'connect', client: '1' }, [channel.port2]);
    enginePort = channel.port1;
    channel.port1.on('message', (event: { data: RpcMessage }) => {
      void page.evaluate((encoded) => (window as unknown as { __shellFromEngine(m: unknown): void }).__shellFromEngine(encoded), codec.encode(event.data)).catch(() => undefined);
    });
  });
  await page.exposeBinding('__shellToEngine', (_source, encoded: unknown) => {
    const message = codec.decode(encoded) as RpcMessage;
    if (message.kind === 'call') callsSeen.push(message.method);
    enginePort?.postMessage(message);
  });
  await page.exposeBinding('__shellInvoke', (_source, channel: string) => {
    if (channel === 'membrana:show-open-dialog') return dialogAnswers.shift() ?? null;
    throw new Error(`main has no handler for ${channel}`);
  });
  await page.addInitScript({ content: fakePreloadScript(ROOT) });
  await page.goto(`${ORIGIN}/index.html`);
  // A first run: the start screen, then the sample as a new user opens it.
  await page.getByTestId('start-screen').waitFor({ timeout: 60_000 });
  await page.getByTestId('try-sample').click();
  await page.getByTestId('slice-label').waitFor({ timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  engine?.kill();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const status = (): Promise<string> => page.getByTestId('status').innerText();

describe('the desktop renderer over the Electron bridge (real preload, cloned messages, real engine process)', () => {
  it('exposes only the bridge, and opens the sample over the engine port', async () => {
    expect(await page.evaluate(() => Object.keys((window as unknown as { membrana: object }).membrana).sort())).toEqual([
      'onEngineStopped',
      'onMenu',
      'onOpenPath',
      'requestEnginePort',
      'showOpenDialog',
    ]);
    expect(await status()).toContain('4 × 4 × 50 nm');
    expect(await page.getByTestId('slice-label').innerText()).toMatch(/^z 0\b/);
    expect(callsSeen).toEqual(expect.arrayContaining(['hello', 'openSample']));
    expect(callsSeen.some((method) => method === 'getSlice' || method === 'getTile')).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('opens a file from the native Open dialog and from main (a desktop file, a second launch)', async () => {
    dialogAnswers.push(SAMPLE);
    await page.getByTestId('open-button').click();
    // The sample's project is open: Open… asks before closing it.
    await page.getByTestId('confirm-ok').click();
    await expect.poll(status, { timeout: 30_000 }).toContain('isbi2012-test-crop.tif');
    expect(callsSeen.filter((method) => method === 'openPath')).toHaveLength(1);
    await page.evaluate((file) => (window as unknown as { __shellMain: { send(c: string, p: string): void } }).__shellMain.send('membrana:open-path', file), SAMPLE);
    await expect.poll(() => callsSeen.filter((method) => method === 'openPath').length, { timeout: 30_000 }).toBe(2);
    await expect.poll(status, { timeout: 30_000 }).toContain('isbi2012-test-crop.tif');
    expect(pageErrors).toEqual([]);
  });

  it('makes a project and paints a stroke, journaled by the engine', async () => {
    const projectDir = path.join(tmp, 'project');
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-dir-input').fill(projectDir);
    await page.getByTestId('project-submit').click();
    await page.getByTestId('project-panel').waitFor({ timeout: 60_000 });
    const journal = path.join(projectDir, 'journal.bin');
    const before = statSync(journal, { throwIfNoEntry: false })?.size ?? 0;
    await page.keyboard.press('b');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 12 });
    await page.mouse.up();
    await page.getByTestId('save-state').filter({ hasText: 'All edits saved' }).waitFor({ timeout: 20_000 });
    // Each reached the engine: none was refused at the port for an uncloneable argument.
    expect(callsSeen).toEqual(expect.arrayContaining(['newProject', 'paint']));
    await expect.poll(() => page.getByTestId('undo').isEnabled()).toBe(true);
    expect(statSync(journal).size).toBeGreaterThan(before);
    await page.getByTestId('undo').click();
    await expect.poll(() => page.getByTestId('redo').isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(callsSeen).toContain('undo');
    expect(pageErrors).toEqual([]);
    expect(await page.getByTestId('error').count()).toBe(0);
  });
});
