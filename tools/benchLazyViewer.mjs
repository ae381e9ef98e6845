#!/usr/bin/env node
/**
 * `npm run bench:lazy [-- path/to/volume.ome.zarr | --depth 1000]`: browsing a large OME-Zarr in
 * the viewer, in headless Chromium (software rendering) against serve mode. Defaults to the
 * 4096 × 4096 × 200 store `npm run bench` leaves in the temp folder; `--depth 1000` first makes a
 * 4096 × 4096 × 1000 store next to it whose slice folders are hard links to those 200 slices
 * (slice z shows slice z mod 200; a real store of its own on disk, without writing 13 GB more).
 * Pans, zooms and steps through slices for a few seconds each and prints frame times, how long
 * a slice step takes until every visible tile of the zoom's scale is on screen, the tile cache
 * against its budget, and the engine's resident memory. Figures, not pass/fail.
 */
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const depthFlag = process.argv.indexOf('--depth');
const depth = depthFlag >= 0 ? Number(process.argv[depthFlag + 1]) : null;
const base = path.join(os.tmpdir(), 'membrana-block-bench-200x4096x4096.ome.zarr');
const given = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--depth');
if (!existsSync(given ?? base)) {
  console.log(`No OME-Zarr at ${given ?? base}: run npm run bench first (it writes one), or give a path.`);
  process.exit(0);
}
const store = depth ? linkedDeeperStore(given ?? base, depth) : (given ?? base);

/** A copy of a Zarr v2 store `depth` slices deep whose slice folders are hard links (slice z → z mod the source's depth). */
function linkedDeeperStore(source, depth) {
  const target = path.join(os.tmpdir(), `membrana-lazy-${depth}x${path.basename(source).replace(/^membrana-block-bench-\d+x/, '')}`);
  if (existsSync(path.join(target, '.zattrs'))) return target;
  mkdirSync(target, { recursive: true });
  for (const name of ['.zgroup', '.zattrs']) writeFileSync(path.join(target, name), readFileSync(path.join(source, name)));
  for (const level of readdirSync(source).filter((n) => /^\d+$/.test(n))) {
    const meta = JSON.parse(readFileSync(path.join(source, level, '.zarray'), 'utf8'));
    const sourceSlabs = Math.ceil(meta.shape[0] / meta.chunks[0]);
    if (meta.chunks[0] !== 1) throw new Error(`${source}/${level} has ${meta.chunks[0]}-slice chunks; linking needs one-slice chunks.`);
    mkdirSync(path.join(target, level), { recursive: true });
    writeFileSync(path.join(target, level, '.zarray'), JSON.stringify({ ...meta, shape: [depth, ...meta.shape.slice(1)] }));
    for (let z = 0; z < depth; z++) {
      const from = path.join(source, level, String(z % sourceSlabs));
      for (const row of readdirSync(from)) {
        mkdirSync(path.join(target, level, String(z), row), { recursive: true });
        for (const chunk of readdirSync(path.join(from, row))) linkSync(path.join(from, row, chunk), path.join(target, level, String(z), row, chunk));
      }
    }
  }
  return target;
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
  // Slice z of the slider: jump by `k` slices with the keyboard's 10-step and single steps.
  let z = 0;
  const jump = async (k) => {
    z = (z + k) % (depth ?? 200);
    await page.evaluate((target) => {
      const input = document.querySelector('[data-testid="slice-slider"]');
      if (input) {
        input.value = String(target);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
    }, z);
  };
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
    // Back and forth, growing to ±600 px then starting again, so the view stays on the image.
    dx = Math.abs(dx) >= 600 ? (dx > 0 ? -60 : 60) : -dx * 1.5;
  });
  let zoomIn = true;
  await phase('zooming in and out', async () => {
    await page.mouse.move(centre.x, centre.y);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, zoomIn ? -120 : 120);
    zoomIn = !zoomIn;
  });
  await phase('1:1, stepping slices', () => page.keyboard.press('ArrowRight'));
  // A slice step, then wait until every visible tile of the zoom's scale is drawn.
  const settle = async (name, count, step) => {
    // One step first, not counted: the view may still be loading what the last phase asked for.
    await step(-1);
    await page.waitForTimeout(2000);
    await page.evaluate(() => performance.clearMeasures('membrana-tiles-complete'));
    for (let i = 0; i < count; i++) {
      const before = await page.evaluate(() => performance.getEntriesByName('membrana-tiles-complete').length);
      await step(i);
      await page.waitForFunction((n) => performance.getEntriesByName('membrana-tiles-complete').length > n, before, { timeout: 10_000 }).catch(() => undefined);
    }
    const raw = await page.evaluate(() => performance.getEntriesByName('membrana-tiles-complete').map((e) => e.duration));
    if (process.env.MEMBRANA_DEBUG) console.log(raw.map((t) => t.toFixed(0)).join(' '));
    const times = [...raw].sort((a, b) => a - b);
    const pick = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))]?.toFixed(0);
    console.log(`${name.padEnd(28)} slice step → all visible tiles drawn: median ${pick(0.5)} ms, p95 ${pick(0.95)} ms (${times.length} steps); engine RSS ${rssMb()} MB`);
  };
  // Back to the middle of the image at 1:1.
  await page.keyboard.press('0');
  await page.keyboard.press('1');
  await settle('1:1, jumping 37 slices', 20, () => jump(37));
  await page.keyboard.press('0');
  await settle('at fit, jumping 37 slices', 20, () => jump(37));
} finally {
  await browser.close();
  child.kill();
}
