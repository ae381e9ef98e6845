/**
 * Measures the 3D neuron view in headless Chromium: builds the benchmark page (benchPage.ts, which
 * imports the renderer's NeuronScene) with vite, opens it through Playwright and turns the view
 * while recording frame times. Used by tools/benchNeuronView.mjs; an e2e test can call it too:
 *
 *   import { measureNeuronView } from '../tools/neuronViewBench/measureNeuronView.mjs';
 *   const [result] = await measureNeuronView({ runs: [{ neurons: 500 }] });
 *   expect(result.frames.fps).toBeGreaterThan(10);
 *
 * No server and no port: the built files are served to the page through Playwright's routing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const ORIGIN = 'http://neuron-bench.localhost';

/**
 * Flags for WebGL without a GPU: ANGLE on SwiftShader (a CPU Vulkan). Chromium 156 falls back
 * to it even without them, but has announced the fallback's end; asking for it keeps it working.
 */
export const SOFTWARE_WEBGL_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', ...SOFTWARE_WEBGL_ARGS];

/** What one measurement draws; every field has a default. */
export const DEFAULT_RUN = {
  neurons: 500,
  seconds: 3,
  width: 960,
  height: 720,
  antialias: false,
  triangleBudget: null,
  adaptiveResolution: true,
  trianglesPerNeuron: 3000,
  lodRatios: [0.1, 0.03],
  keep: false,
  colors: 0,
};

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Builds the page into a temporary folder; returns it and a function that removes it. */
export async function buildBenchPage() {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'membrana-neuron-bench-'));
  await build({
    root: here,
    configFile: false,
    logLevel: 'warn',
    base: './',
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 2000 },
  });
  return { outDir, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

/**
 * Runs each of `runs` (partial DEFAULT_RUN objects) in one browser and returns their results:
 * { options, renderer, software, frames: { median, p95, mean, count, fps }, buildMilliseconds, firstFrameMilliseconds,
 *   pickMilliseconds, stillFrameMilliseconds,
 *   stats: { intervalSummary, renderSummary, fps, drawCalls, triangles, detailedNeurons, pixelRatio } }.
 * `args`: Chromium's flags (default CHROMIUM_ARGS); `pageDir`: a page built before by
 * buildBenchPage (default: build one now); `screenshot`: where to save the last run's last frame.
 */
export async function measureNeuronView({ runs = [{}], chromiumPath, args = CHROMIUM_ARGS, pageDir, screenshot } = {}) {
  const page = pageDir ? { outDir: pageDir, remove: () => {} } : await buildBenchPage();
  const browser = await chromium.launch({ executablePath: chromiumPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    const errors = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.route(`${ORIGIN}/**`, (route) => {
      const file = path.join(page.outDir, new URL(route.request().url()).pathname);
      if (!file.startsWith(page.outDir)) return route.fulfill({ status: 404 });
      try {
        return route.fulfill({ body: readFileSync(file), contentType: MIME[path.extname(file)] ?? 'application/octet-stream' });
      } catch {
        return route.fulfill({ status: 404 });
      }
    });
    await tab.goto(`${ORIGIN}/index.html`);
    await tab.waitForFunction(() => window.neuronBench?.ready, null, { timeout: 30_000 }).catch(() => {
      throw new Error(`the benchmark page did not start: ${errors.join('; ') || 'no error reported'}`);
    });
    const results = [];
    for (const [index, run] of runs.entries()) {
      const options = { ...DEFAULT_RUN, ...run, keep: Boolean(screenshot) && index === runs.length - 1 };
      const result = await tab.evaluate((o) => window.neuronBench.run(o), options);
      results.push({ options, ...result });
    }
    if (screenshot) await tab.locator('#view').screenshot({ path: screenshot });
    return results;
  } finally {
    await browser.close();
    page.remove();
  }
}
