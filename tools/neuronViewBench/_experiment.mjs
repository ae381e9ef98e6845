import { buildBenchPage, CHROMIUM_ARGS } from './measureNeuronView.mjs';
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
const page = await buildBenchPage();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: [...(process.env.BASE ? JSON.parse(process.env.BASE) : CHROMIUM_ARGS), ...(process.env.EXTRA ? process.env.EXTRA.split(' ') : [])] });
const tab = await browser.newPage({ viewport: { width: 1280, height: 820 } });
tab.on('console', (m) => console.log('console:', m.text()));
await tab.route('http://x.localhost/**', (route) => route.fulfill({ body: readFileSync(path.join(page.outDir, new URL(route.request().url()).pathname)), contentType: route.request().url().endsWith('.html') ? 'text/html' : 'text/javascript' }));
await tab.goto('http://x.localhost/index.html');
await tab.waitForFunction(() => window.experiment);
for (const o of JSON.parse(process.argv[2])) {
  const r = await tab.evaluate((o) => window.experiment(o), { width: 960, height: 720, seconds: 3, coarse: true, neurons: 500, ...o });
  console.log(JSON.stringify(o), JSON.stringify(r));
  await tab.reload(); await tab.waitForFunction(() => window.experiment);
}
await browser.close(); page.remove();
