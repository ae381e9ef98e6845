import { chromium } from 'playwright-core';
const sets = JSON.parse(process.argv[2]);
for (const extra of sets) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', ...extra] });
  const page = await browser.newPage();
  const r = await page.evaluate(() => {
    const c = document.createElement('canvas');
    const gl = c.getContext('webgl2');
    if (!gl) return 'no webgl2';
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  });
  console.log(extra.join(' '), '=>', r);
  await browser.close();
}
