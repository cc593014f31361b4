/**
 * Test and benchmark support: Debian's chromium driven by playwright-core, headless, offline, with a
 * fresh profile each launch. Without chromium the browser tests skip and say how to get it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.FLATLINE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_MISSING = 'install chromium (apt-get install chromium) to run the browser tests';

export const chromiumAvailable = (): boolean => fs.existsSync(CHROMIUM_PATH);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: ARGS, viewport: { width: 1400, height: 1000 } });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did besides rendering: console errors, uncaught errors, requests beyond its own file, dialogs. */
export interface PageWatch {
  problems: string[];
}

/** Opens an HTML file by its file:// URL, recording anything a self-contained, script-safe page must not do. */
export async function openFile(context: BrowserContext, file: string): Promise<{ page: Page; watch: PageWatch }> {
  const page = await context.newPage();
  const url = pathToFileURL(path.resolve(file)).href;
  const watch: PageWatch = { problems: [] };
  page.on('console', (m) => m.type() === 'error' && watch.problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => watch.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => r.url() !== url && watch.problems.push(`request: ${r.url()}`));
  page.on('dialog', (d) => {
    watch.problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(url);
  return { page, watch };
}
