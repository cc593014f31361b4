import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { renderHtml } from '../../harness/report/html/render.ts';
import type { ResultsFile } from '../../harness/scenario/results.ts';
import { launchChromium, openFile, type Browser, type PageWatch } from './chromium.ts';

/** Writes the HTML report of `results` to `file` and opens it in a fresh headless chromium, once the page says it is ready. */
export async function openReportPage(results: ResultsFile, file: string): Promise<{ browser: Browser; page: Page; watch: PageWatch }> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, renderHtml(results));
  const browser = await launchChromium();
  const { page, watch } = await openFile(browser.context, file);
  await page.waitForSelector('body[data-ready="all"]');
  return { browser, page, watch };
}
