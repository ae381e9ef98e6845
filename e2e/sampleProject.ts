import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ARTIFACTS, CHROMIUM_ARGS, CHROMIUM_PATH, launchServe, ROOT, type ServeProcess } from './launchServe.js';

/** The built-in sample's file, for tests that start serve mode on it as a plain stack. */
export const SAMPLE_TIF = path.join(ROOT, 'assets', 'sample', 'isbi2012-test-crop.tif');

/** Serve mode with a fresh home, Chromium (software WebGL) and a page on the app. */
export interface AppSession {
  /** The server; a test that restarts it (same home) assigns the new one here, so close() stops it. */
  serve: ServeProcess;
  browser: Browser;
  /** The page; a test that opens another assigns it here. */
  page: Page;
  /** A temporary folder holding the home; close() removes it. */
  tmp: string;
  /** The engine's home (MEMBRANA_HOME): recent projects, and the sample's projects under projects/. */
  home: string;
  /** Uncaught errors in every page opened with openPage, so far. */
  pageErrors: string[];
  /** Errors those pages wrote to the console, so far. */
  consoleErrors: string[];
  /** A new page on the app at `viewport`, recording its errors, once it shows the start screen or a stack. */
  openPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** An AppSession landed in a project on the sample, as "Try the sample" makes it. */
export interface SampleProject extends AppSession {
  /** The project's folder. */
  projectDir: string;
}

/**
 * Starts serve mode (a fresh home; `serveArgs` such as a startup path), Chromium, and the app at
 * `viewport`; resolves once the app shows the start screen (or the stack it was started on).
 */
export async function startApp(name: string, viewport: { width: number; height: number }, serveArgs: string[] = []): Promise<AppSession> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `membrana-${name}-`));
  const home = path.join(tmp, 'home');
  mkdirSync(ARTIFACTS, { recursive: true });
  const serve = await launchServe(serveArgs, { MEMBRANA_HOME: home });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const session: AppSession = {
    serve,
    browser,
    page: undefined as unknown as Page,
    tmp,
    home,
    pageErrors,
    consoleErrors,
    async openPage(size = viewport) {
      const page = await browser.newPage({ viewport: size });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      await page.goto(session.serve.url);
      await page.locator('[data-testid="start-screen"], [data-testid="slice-label"]').first().waitFor({ timeout: 30_000 });
      return page;
    },
    async close() {
      await browser.close();
      await session.serve.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  session.page = await session.openPage();
  return session;
}

/**
 * Clicks "Try the sample" on the start screen and waits until the app is in the sample's new
 * project; returns the project's folder (the newest in the engine's recent list).
 */
export async function trySample(page: Page, home: string): Promise<string> {
  await page.getByTestId('try-sample').click();
  await page.getByTestId('project-panel').waitFor({ timeout: 30_000 });
  const recent = JSON.parse(readFileSync(path.join(home, 'recent-projects.json'), 'utf8')) as { dir: string; opened: string }[];
  const newest = recent.sort((a, b) => b.opened.localeCompare(a.opened))[0];
  if (!newest || !existsSync(path.join(newest.dir, 'project.json'))) throw new Error(`Try the sample made no project (recent: ${JSON.stringify(recent)}).`);
  return newest.dir;
}

/**
 * Starts serve mode and Chromium, opens the app at `viewport` and makes a project on the sample
 * with "Try the sample" on the start screen, as a new user would. For e2e tests that start from a project.
 */
export async function openSampleProject(name: string, viewport: { width: number; height: number }): Promise<SampleProject> {
  const session = await startApp(name, viewport);
  try {
    const projectDir = await trySample(session.page, session.home);
    return Object.assign(session, { projectDir });
  } catch (error) {
    await session.close();
    throw error;
  }
}
