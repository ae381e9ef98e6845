import http from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTiff } from '../engine/io/writeTiff.js';
import { ARTIFACTS, launchServe, type ServeProcess } from './launchServe.js';
import { SAMPLE_TIF, startApp, type AppSession } from './sampleProject.js';

// Serve mode started on the built-in sample's file (a plain stack, no project): viewing, input,
// bad files, and the host's guards.

let app: AppSession;
let serve: ServeProcess;
let page: Page;
let tmp: string;

/** A 16-bit stack whose values sit in a narrow band, so only an automatic window shows it. */
function sixteenBitStack(): Uint8Array {
  const width = 96, height = 64, depth = 3;
  const data = new Uint16Array(width * height * depth);
  for (let i = 0; i < data.length; i++) data[i] = 30_000 + ((i * 7919) % 1000);
  return writeTiff({ width, height, depth, dtype: 'uint16', data }, { compression: 'lzw' });
}

beforeAll(async () => {
  app = await startApp('serve', { width: 1280, height: 820 }, [SAMPLE_TIF]);
  ({ serve, page, tmp } = app);
  await page.getByTestId('slice-label').waitFor({ timeout: 30_000 });
  const good = writeTiff({ width: 8, height: 8, depth: 2, dtype: 'uint8', data: new Uint8Array(128).fill(7) });
  writeFileSync(path.join(tmp, 'truncated.tif'), good.subarray(0, good.length - 40));
  writeFileSync(path.join(tmp, 'notes.tif'), 'these are my lab notes, not an image\n');
  writeFileSync(path.join(tmp, 'wide16.tif'), sixteenBitStack());
}, 60_000);

afterAll(async () => {
  await app?.close();
});

/** Uncaught errors and console errors in the page so far. */
const pageErrors = (): string[] => [...app.pageErrors, ...app.consoleErrors];

const status = (): Promise<string> => page.getByTestId('status').innerText();
const sliceLabel = (): Promise<string> => page.getByTestId('slice-label').innerText();
const zoom = (): Promise<string> => page.getByTestId('zoom').innerText();

async function openPath(target: string): Promise<void> {
  await page.getByTestId('open-button').click();
  await page.getByTestId('open-path-input').fill(target);
  await page.getByTestId('open-path-submit').click();
}

describe('serve mode in Chromium', () => {
  it('shows the stack given on the command line (the sample) with its voxel size, and paints the slice', async () => {
    expect(await status()).toContain('4 × 4 × 50 nm');
    expect(await sliceLabel()).toBe('z 0 of 0–15');
    // The canvas shows EM texture, not a flat colour.
    const shot = await page.getByTestId('viewer-canvas').screenshot({ path: path.join(ARTIFACTS, 'viewer.png') });
    expect(shot.byteLength).toBeGreaterThan(20_000);
    // Where predictions run is found after the image is up, and the status line names it.
    await expect.poll(() => page.getByTestId('status').innerText(), { timeout: 30_000 }).toMatch(/compute (ONNX Runtime (CPU|WebGPU|CUDA)|TensorFlow\.js)/);
    expect(pageErrors()).toEqual([]);
  });

  it('moves through slices with keys, the wheel and the slider', async () => {
    await page.getByTestId('viewer-canvas').click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(sliceLabel).toBe('z 1 of 0–15');
    await page.keyboard.press('End');
    await expect.poll(sliceLabel).toBe('z 15 of 0–15');
    await page.keyboard.press('PageDown');
    await expect.poll(sliceLabel).toBe('z 5 of 0–15');
    await page.keyboard.press('Home');
    await expect.poll(sliceLabel).toBe('z 0 of 0–15');
    await page.keyboard.press('PageUp');
    await expect.poll(sliceLabel).toBe('z 10 of 0–15');
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.down('Alt');
    await page.mouse.wheel(0, 100);
    await page.keyboard.up('Alt');
    await expect.poll(sliceLabel).toBe('z 11 of 0–15');
    await page.getByTestId('slice-slider').fill('3');
    await expect.poll(sliceLabel).toBe('z 3 of 0–15');
  });

  it('zooms with keys and the wheel, and fits back to the window', async () => {
    await page.getByTestId('viewer-canvas').click();
    await page.keyboard.press('0');
    const fit = await zoom();
    await page.keyboard.press('+');
    await expect.poll(zoom).not.toBe(fit);
    await page.keyboard.press('0');
    await expect.poll(zoom).toBe(fit);
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(zoom).not.toBe(fit);
    await page.keyboard.press('1');
    await expect.poll(zoom).toBe('100%');
    await page.keyboard.press('0');
  });

  it('reports the cursor position and voxel value', async () => {
    const box = (await page.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(status).toMatch(/x\s*\d+/);
    expect(await status()).toMatch(/value\s*\d+/);
  });

  it('shows the shortcut help on ?', async () => {
    await page.keyboard.press('?');
    await expect.poll(() => page.getByTestId('help').isVisible()).toBe(true);
    await page.getByTestId('help').screenshot({ path: path.join(ARTIFACTS, 'help.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('help').isVisible()).toBe(false);
  });

  it('names the file and the problem for bad input, and keeps the open stack usable', async () => {
    const before = await status();
    for (const [file, problem] of [
      ['truncated.tif', /truncat/i],
      ['notes.tif', /not .*image|not a TIFF/i],
      ['missing.tif', /not exist|no such|not found|cannot find/i],
    ] as const) {
      await openPath(path.join(tmp, file));
      const error = page.getByTestId('error');
      await expect.poll(() => error.innerText(), { timeout: 15_000 }).toContain(file);
      expect(await error.innerText()).toMatch(problem);
      if (file === 'truncated.tif') await page.screenshot({ path: path.join(ARTIFACTS, 'error.png') });
      await page.keyboard.press('Escape');
    }
    expect(await status()).toContain(before.includes('isbi2012') ? 'isbi2012' : '');
    await page.getByTestId('viewer-canvas').click();
    const label = await sliceLabel();
    await page.keyboard.press('ArrowRight');
    await expect.poll(sliceLabel).not.toBe(label);
  });

  it('opens a 16-bit stack by path with an automatic contrast window', async () => {
    await openPath(path.join(tmp, 'wide16.tif'));
    await expect.poll(status, { timeout: 15_000 }).toContain('wide16.tif');
    // The contrast controls start folded in the layers panel; the top bar's Contrast opens them.
    await page.getByRole('button', { name: 'Contrast', exact: true }).click();
    const low = Number(await page.getByTestId('window-low').inputValue());
    const high = Number(await page.getByTestId('window-high').inputValue());
    expect(low).toBeGreaterThanOrEqual(30_000);
    expect(high).toBeLessThanOrEqual(31_000);
    await page.screenshot({ path: path.join(ARTIFACTS, 'sixteen-bit.png') });
  });

  it('opens files picked in the browser', async () => {
    await openPath(path.join(tmp, 'missing-first.tif')); // leave a different error state behind first
    await page.keyboard.press('Escape');
    await page.getByTestId('open-button').click();
    await page.getByTestId('open-files-input').setInputFiles(path.join(tmp, 'wide16.tif'));
    await expect.poll(status, { timeout: 15_000 }).toContain('wide16.tif');
    expect(pageErrors()).toEqual([]);
  });
});

describe('serve mode host', () => {
  /** Asks to upgrade to the engine's WebSocket with exactly these headers; true when refused. */
  function refused(query: string, headers: Record<string, string>): Promise<boolean> {
    const url = new URL(serve.url);
    return new Promise<boolean>((resolve, reject) => {
      const request = http.request({
        host: url.hostname,
        port: url.port,
        path: `/engine${query}`,
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
      });
      request.on('upgrade', (_response, socket) => {
        socket.destroy();
        resolve(false);
      });
      request.on('response', (response) => {
        response.resume();
        if (response.statusCode === 403) resolve(true);
        else reject(new Error(`The engine answered ${response.statusCode} instead of 403 or an upgrade.`));
      });
      request.on('error', () => resolve(true)); // the server ends the socket after its 403
      request.end();
    });
  }

  /** A plain GET with exactly these headers (fetch would not send our Host). */
  function get(headers: Record<string, string>): Promise<number> {
    const url = new URL(serve.url);
    return new Promise((resolve, reject) => {
      http
        .get({ host: url.hostname, port: url.port, path: '/', headers }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
        .on('error', reject);
    });
  }

  it('accepts the engine socket only for its own Host and Origin, with the printed token', async () => {
    const url = new URL(serve.url);
    const token = `?${url.searchParams}`;
    const own = { host: url.host, origin: `http://${url.host}` };
    expect(await refused(token, own)).toBe(false);
    expect(await refused('', own)).toBe(true); // no token
    expect(await refused('?token=guess', own)).toBe(true);
    expect(await refused(token, { host: url.host })).toBe(false); // a script: no Origin, but the token
    expect(await refused(token, { host: url.host, origin: 'http://evil.example' })).toBe(true);
    expect(await refused(token, { host: url.host, origin: `https://${url.host}` })).toBe(true); // another scheme
    // DNS rebinding: evil.example resolved to 127.0.0.1, so the browser sends its name as Host and Origin.
    const rebound = `evil.example:${url.port}`;
    expect(await refused(token, { host: rebound, origin: `http://${rebound}` })).toBe(true);
    expect(await get({ host: rebound })).toBe(403);
    expect(await refused(token, { host: url.host, origin: `http://${url.host}` })).toBe(false);
  });

  it('trades the token for a cookie, and without one shows how to get in', async () => {
    const bare = await fetch(new URL('/', serve.url));
    expect(bare.status).toBe(401);
    expect(await bare.text()).toContain('Open Membrana with its address');
    const login = await fetch(serve.url, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('/');
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await fetch(new URL('/', serve.url), { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
  });

  it('serves the UI with a strict Content-Security-Policy', async () => {
    const login = await fetch(serve.url, { redirect: 'manual' });
    const response = await fetch(new URL('/', serve.url), { headers: { cookie: login.headers.get('set-cookie')!.split(';')[0]! } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(new URL('/../../etc/passwd', serve.url))).status).toBe(404);
  });

  it('opens a path given on its command line', async () => {
    const other = await launchServe([path.join(tmp, 'wide16.tif')], { MEMBRANA_HOME: app.home });
    const second = await app.browser.newPage();
    try {
      await second.goto(other.url);
      await expect.poll(() => second.getByTestId('status').innerText(), { timeout: 30_000 }).toContain('wide16.tif');
    } finally {
      await second.close();
      await other.stop();
    }
  });

  it('prints usage and fails for a bad port', async () => {
    const failed = await launchServe(['--port', 'nine']).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/--port must be a whole number/);
  });
});
