#!/usr/bin/env node
/**
 * `npm run bench:lazy [-- path/to/volume.ome.zarr]`: browsing a large OME-Zarr in the viewer, in
 * headless Chromium (software rendering) against serve mode. Defaults to the 4096 × 4096 × 200
 * store `npm run bench` leaves in the temp folder. Pans, zooms and steps through slices for a few
 * seconds each and prints frame times, the tile cache against its budget, and the engine's
 * resident memory. Figures, not pass/fail.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const store = process.argv[2] ?? path.join(os.tmpdir(), 'membrana-block-bench-200x4096x4096.ome.zarr');
if (!existsSync(store)) {
  console.log(`No OME-Zarr at ${store}: run npm run bench first (it writes one), or give a path.`);
  process.exit(0);
}

const child = spawn(process.execPath, [path.join(root, 'build/engine/host/serve.js'), '--port', '0', store], { stdio: ['ignore', 'pipe', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = /serving at (\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
});
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.getByTestId('status-cache').waitFor({ timeout: 60_000 });
  await page.evaluate(() => {
    window.frames_ = [];
    let last = performance.now();
    const tick = (t) => {
      window.frames_.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const box = await page.getByTestId('viewer-canvas').boundingBox();
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const phase = async (name, act) => {
    await page.evaluate(() => (window.frames_ = []));
    const started = Date.now();
    let peakRss = rssMb();
    while (Date.now() - started < 4000) {
      await act();
      peakRss = Math.max(peakRss, rssMb());
    }
    const frames = (await page.evaluate(() => window.frames_)).slice(1).sort((a, b) => a - b);
    const cache = (await page.getByTestId('status-cache').innerText()).replace(/\s+/g, ' ');
    const pick = (q) => frames[Math.min(frames.length - 1, Math.floor(frames.length * q))]?.toFixed(1);
    console.log(`${name.padEnd(28)} frames median ${pick(0.5)} ms, p95 ${pick(0.95)} ms (${frames.length}); ${cache.replace(/ 128 256 512 1024 2048 4096/, '')}; engine RSS peak ${peakRss} MB`);
  };
  console.log(`Browsing ${store} in headless Chromium (software rendering)`);
  await phase('at fit, stepping slices', () => page.keyboard.press('ArrowRight'));
  await page.keyboard.press('1');
  let dx = 60;
  await phase('1:1, panning', async () => {
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(centre.x + dx, centre.y + dx / 2, { steps: 4 });
    await page.mouse.up({ button: 'middle' });
    dx = -dx * 1.5;
  });
  let zoomIn = true;
  await phase('zooming in and out', async () => {
    await page.mouse.move(centre.x, centre.y);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, zoomIn ? -120 : 120);
    zoomIn = !zoomIn;
  });
  await phase('1:1, stepping slices', () => page.keyboard.press('ArrowRight'));
} finally {
  await browser.close();
  child.kill();
}
