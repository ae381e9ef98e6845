#!/usr/bin/env node
/**
 * `npm run bench:viewer`: how smooth the slice viewer is on 512² and 4096² slices, in headless
 * Chromium (software rendering, no GPU) against serve mode. Prints frame times while panning and
 * zooming, the time from a slice key press to the new slice on screen, and, in a project, the
 * time from each pointer event of a brush stroke to its pixels drawn (the viewer's
 * 'membrana-paint' measure, as e2e/proofreading.test.ts reads it; the aim is a median under
 * 16 ms, one frame at 60 Hz). Figures, not pass/fail.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { writeTiff } = await import(path.join(root, 'build/engine/io/writeTiff.js'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-bench-viewer-'));

function stack(size, depth) {
  const data = new Uint16Array(size * size * depth);
  for (let i = 0; i < data.length; i++) data[i] = 2000 + ((i * 2654435761) >>> 20) % 4000;
  const file = path.join(tmp, `stack-${size}.tif`);
  writeFileSync(file, writeTiff({ width: size, height: size, depth, dtype: 'uint16', data }));
  return file;
}

function serve(file) {
  // Its own home, so the project made below is not added to the user's recent projects.
  const env = { ...process.env, MEMBRANA_HOME: path.join(tmp, 'home') };
  const child = spawn(process.execPath, [path.join(root, 'build/engine/host/serve.js'), '--port', '0', file], { stdio: ['ignore', 'pipe', 'pipe'], env });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving at (\S+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => child.kill() });
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
}

function stats(times, unit = 'frames') {
  if (times.length === 0) return `no ${unit} timed`;
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms over ${times.length} ${unit}`;
}

/**
 * Makes a project of the open stack, then paints brush strokes across the middle of the view at
 * fit and at 100 % and returns the pointer-to-pixels times of each: from each pointer event's
 * time stamp to the frame that drew its pixels.
 */
async function paintLatency(page, size) {
  await page.getByTestId('new-project-button').click();
  await page.getByTestId('project-dir-input').fill(path.join(tmp, `project-${size}`));
  await page.getByTestId('project-submit').click();
  await page.getByTestId('project-panel').waitFor({ timeout: 60_000 });
  // The project's panels take room: the canvas is smaller now.
  await page.waitForTimeout(300);
  const box = await page.getByTestId('viewer-canvas').boundingBox();
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('b');
  const figures = {};
  for (const [label, key] of [['fit', 'f'], ['100 %', '1']]) {
    await page.keyboard.press(key);
    // Let the slice's layers load: a stroke made before then waits for them and is not timed.
    await page.waitForTimeout(1500);
    await page.evaluate(() => performance.clearMeasures('membrana-paint'));
    for (let k = 0; k < 4; k++) {
      const y = box.y + box.height * (0.3 + k * 0.12);
      await page.mouse.move(box.x + box.width * 0.25, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.75, y + 30, { steps: 25 });
      await page.mouse.up();
    }
    await page.getByTestId('save-state').filter({ hasText: 'All edits saved' }).waitFor({ timeout: 30_000 });
    figures[label] = await page.evaluate(() => performance.getEntriesByName('membrana-paint').map((e) => e.duration));
  }
  return figures;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  for (const size of [512, 4096]) {
    const file = stack(size, 3);
    const server = await serve(file);
    const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    await page.goto(server.url);
    await page.getByTestId('status').filter({ hasText: path.basename(file) }).waitFor({ timeout: 60_000 });
    const box = await page.getByTestId('viewer-canvas').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.press('1'); // 100%: the most pixels to draw
    // Record frame intervals while dragging and wheel-zooming for about 2 s.
    await page.evaluate(() => {
      window.__frames = [];
      let last = performance.now();
      const tick = (t) => {
        window.__frames.push(t - last);
        last = t;
        if (window.__frames.length < 400) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.mouse.down();
    for (let i = 0; i < 60; i++) await page.mouse.move(box.x + box.width / 2 + (i % 20) * 10, box.y + box.height / 2 + (i % 7) * 10);
    await page.mouse.up();
    for (let i = 0; i < 20; i++) await page.mouse.wheel(0, i % 2 ? 120 : -120);
    const frames = (await page.evaluate(() => window.__frames)).slice(2);
    // Slice change: key press until the label and the canvas show the next slice.
    const switches = [];
    for (let i = 0; i < 2; i++) {
      const before = await page.getByTestId('slice-label').innerText();
      const t = Date.now();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((b) => document.querySelector('[data-testid="slice-label"]').textContent !== b, before);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      switches.push(Date.now() - t);
    }
    console.log(`${size}² 16-bit slice: pan/zoom frames ${stats(frames)}; next slice shown in ${switches.join(', ')} ms`);
    const painting = await paintLatency(page, size);
    for (const [label, times] of Object.entries(painting)) console.log(`${size}² painting at ${label}: pointer → pixels drawn ${stats(times, 'pointer events')}`);
    await page.close();
    server.stop();
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
