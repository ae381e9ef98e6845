#!/usr/bin/env node
/**
 * `npm run bench:viewer`: how smooth the slice viewer is on 512² and 4096² slices, in headless
 * Chromium (software rendering, no GPU) against serve mode. Prints frame times while panning and
 * zooming, and the time from a slice key press to the new slice on screen. Figures, not pass/fail.
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
  const child = spawn(process.execPath, [path.join(root, 'build/engine/host/serve.js'), '--port', '0', file], { stdio: ['ignore', 'pipe', 'pipe'] });
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

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms over ${times.length} frames`;
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
    await page.close();
    server.stop();
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
