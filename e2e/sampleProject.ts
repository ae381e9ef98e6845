import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ARTIFACTS, CHROMIUM_ARGS, CHROMIUM_PATH, launchServe, type ServeProcess } from './launchServe.js';

/** Serve mode with a fresh home, Chromium (software WebGL) and a new project on the built-in sample. */
export interface SampleProject {
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  /** A temporary folder holding the home and the project; close() removes it. */
  tmp: string;
  /** Uncaught errors in the page so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Starts serve mode and Chromium, opens the app at `viewport` and makes a new project on the
 * sample the app opens with, as a new user would. For e2e tests that start from a project.
 */
export async function openSampleProject(name: string, viewport: { width: number; height: number }): Promise<SampleProject> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `membrana-${name}-`));
  mkdirSync(ARTIFACTS, { recursive: true });
  const serve = await launchServe([], { MEMBRANA_HOME: path.join(tmp, 'home') });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
  const page = await browser.newPage({ viewport });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(serve.url);
  await page.getByTestId('slice-label').waitFor({ timeout: 30_000 });
  await page.getByTestId('new-project-button').click();
  await page.getByTestId('project-dir-input').fill(path.join(tmp, 'project'));
  await page.getByTestId('project-submit').click();
  await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
  return {
    serve,
    browser,
    page,
    tmp,
    pageErrors,
    async close() {
      await browser.close();
      await serve.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
