import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLATLINE_VERSION } from '../../net/api/version.ts';
import { planRuns, resolveScenarioFiles } from '../../scenario/loader.ts';
import { summarize, type ResultsFile, type RunResult } from '../../scenario/results.ts';
import { runSuite } from '../../scenario/suite.ts';
import { formatMs } from '../../util/duration.ts';
import { GALLERY_SUBJECTS } from '../../../scenarios/gallery/subjects.ts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openFile, type Browser, type PageWatch } from '../../../test/support/chromium.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';
import { HOSTILE_NAME, HOSTILE_SUBJECT } from '../../../test/support/sample-results.ts';
import { buildCaseGrids, type CaseGrid } from './gallery.ts';
import { runKeyNumbers } from './key-numbers.ts';
import { renderHtml } from './render.ts';

const OUT = path.resolve('reports', 'browser-test');
const PAGE = path.join(OUT, 'matrix.html');
const SCREENSHOT = path.join(OUT, 'matrix.png');
const GALLERY = 'scenarios/gallery';

/** A second grid of made-up runs whose case and subject names are markup. */
function hostileRuns(): RunResult[] {
  return [HOSTILE_SUBJECT, 'tcp'].flatMap((subject) =>
    [`${HOSTILE_NAME}: a case`, 'plain'].map((name) => {
      const scenario = `${name} [subject=${subject}]`;
      return fakeRun({
        id: `hostile/x.scenario.ts#${scenario}`,
        file: 'hostile/x.scenario.ts',
        scenario,
        subject,
        cell: { subject },
        verdicts: [{ check: 'custom', status: 'pass', summary: '<b>holds</b>', measured: {} }],
      });
    }),
  );
}

if (!chromiumAvailable()) {
  console.warn(`browser tests skipped: ${CHROMIUM_MISSING}`);
  it.skip(CHROMIUM_MISSING, () => {});
} else {
  describe('the subject matrix in headless chromium', () => {
    let results: ResultsFile;
    let grids: CaseGrid[];
    let browser: Browser;
    let page: Page;
    let watch: PageWatch;
    const gridOf = (folder: string) => page.locator(`.case-grid[data-folder="${folder}"]`);
    const cellOf = (run: RunResult) => page.locator(`td.case-cell[data-run="${run.id}"]`);
    const galleryRun = (file: string, subject: string) => results.runs.find((r) => r.file === `${GALLERY}/${file}.scenario.ts` && r.subject === subject)!;
    const texts = (l: Locator) => l.evaluateAll((els) => els.map((e) => e.textContent));

    beforeAll(async () => {
      const { runs, failures } = await planRuns(resolveScenarioFiles([GALLERY]));
      const all = [...(await runSuite(runs, failures, { seed: 1, workers: 1 })), ...hostileRuns()];
      results = { flatline: FLATLINE_VERSION, seed: 1, summary: summarize(all, 0), runs: all };
      grids = buildCaseGrids(results.runs);
      fs.mkdirSync(OUT, { recursive: true });
      fs.writeFileSync(PAGE, renderHtml(results));
      browser = await launchChromium();
      ({ page, watch } = await openFile(browser.context, PAGE));
      await page.waitForSelector('body[data-ready="all"]');
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('draws a grid per folder with the rows, columns, cells and summaries of the JSON', async () => {
      expect(grids.map((g) => g.folder)).toEqual([GALLERY, 'hostile']);
      expect(await page.locator('.case-grid').count()).toBe(grids.length);
      for (const grid of grids) {
        const el = gridOf(grid.folder);
        expect(await el.locator('tbody tr').count(), grid.folder).toBe(grid.cases.length);
        expect(await texts(el.locator('th.subject'))).toEqual(grid.subjects.map((s) => s.subject));
        expect(await el.locator('td.case-cell:not(.empty)').count(), grid.folder).toBe(grid.cells.length);
        expect(await texts(el.locator('td.subject-summary'))).toEqual(grid.subjects.map((s) => s.summary));
      }
      const gallery = grids[0]!;
      expect(gallery.cases).toHaveLength(6);
      expect(gallery.subjects.map((s) => s.subject)).toEqual([...GALLERY_SUBJECTS]);
      expect(gallery.cells).toHaveLength(6 * GALLERY_SUBJECTS.length);
    });

    it('puts each run in its row and column, with its status and key numbers', async () => {
      const placed = await gridOf(GALLERY)
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.flatMap((tr) => {
            const name = [...tr.querySelectorAll('th.case > div:not(.params)')].map((d) => d.textContent).join(': ');
            return [...tr.querySelectorAll('td.case-cell')].map((td, column) => ({
              name,
              column,
              run: (td as HTMLElement).dataset.run,
              status: (td as HTMLElement).dataset.status,
              keys: [...td.querySelectorAll('.key')].map((k) => k.textContent),
            }));
          }),
        );
      const subjects = grids[0]!.subjects.map((s) => s.subject);
      const galleryRuns = results.runs.filter((r) => r.file.startsWith(`${GALLERY}/`));
      expect(placed).toHaveLength(galleryRuns.length);
      for (const cell of placed) {
        const run = galleryRuns.find((r) => r.id === cell.run)!;
        expect(run.scenario, cell.run).toBe(`${cell.name} [subject=${subjects[cell.column]}]`);
        expect(cell.status, run.id).toBe(run.status);
        expect(cell.keys, run.id).toEqual(runKeyNumbers(run));
      }

      // A few numbers read straight from the verdicts, without the report's own helpers.
      const key = async (run: RunResult) => texts(cellOf(run).locator('.key'));
      const tcp = galleryRun('blackhole', 'tcp');
      expect(await key(tcp)).toEqual([`detected after ${formatMs(tcp.verdicts[0]!.measured.detectionMs as number)}`]);
      expect(await key(galleryRun('blackhole', 'seed-raw'))).toEqual(['never detected']);
      const rocket = galleryRun('restart', 'seed-rocket');
      expect(await key(rocket)).toEqual([`gave up after ${rocket.verdicts[0]!.measured.attempts} tries`]);
      expect(await cellOf(rocket).getAttribute('data-status')).toBe('finding');
      expect(await cellOf(rocket).locator('.case-status').textContent()).toBe('FINDING');
    });

    it('opens a run from its cell, even one the run filters hide', async () => {
      const rocket = galleryRun('restart', 'seed-rocket');
      const row = page.locator('tr.run-row', { has: page.locator('.scenario', { hasText: rocket.scenario }) });
      await page.locator('input.search').fill('socketio');
      expect(await row.isHidden()).toBe(true);
      await cellOf(rocket).click();
      await expect.poll(() => row.getAttribute('aria-expanded')).toBe('true');
      expect(await page.locator('input.search').inputValue()).toBe('');
      const detail = page.locator(`.detail[data-run-id="${rocket.id}"]`);
      await detail.locator('.backoff[data-rendered="true"]').waitFor();
      expect(await detail.locator('.callout.finding').textContent()).toBe(`Expected finding: ${rocket.finding}`);
      await expect.poll(() => row.evaluate((el) => Math.round(el.getBoundingClientRect().top))).toBeLessThan(50);
      expect(await page.evaluate(() => decodeURIComponent(location.hash))).toBe(`#run/${rocket.id}`);
      await row.click();
    });

    it('is linked from the header, and a run address opens that run', async () => {
      const jump = page.locator('header .jump a[href="#subjects"]');
      expect(await jump.locator('xpath=..').textContent()).toContain(`${GALLERY}: ${GALLERY_SUBJECTS.length} subjects × 6 cases`);
      const raw = galleryRun('half-open', 'seed-raw');
      const { page: linked, watch: linkedWatch } = await openFile(browser.context, PAGE);
      await linked.goto(`${linked.url()}#run/${encodeURIComponent(raw.id)}`);
      await linked.reload();
      await linked.waitForSelector('body[data-ready="all"]');
      expect(await linked.locator('tr.run-row[aria-expanded="true"] .scenario').textContent()).toBe(raw.scenario);
      expect(linkedWatch.problems).toEqual([]);
      await linked.close();
    });

    it('shows case and subject names as text, never as markup', async () => {
      const hostile = gridOf('hostile');
      expect(await texts(hostile.locator('th.subject'))).toEqual([HOSTILE_SUBJECT, 'tcp']);
      expect(await texts(hostile.locator('.case-title'))).toEqual([HOSTILE_NAME, 'plain']);
      expect(await texts(hostile.locator('.key'))).toEqual(Array(4).fill('<b>holds</b>'));
      expect(await page.locator('#subjects img, #subjects script, #subjects b').count()).toBe(0);
    });

    it('made no network request and logged no error; the screenshot of the gallery is saved', async () => {
      // The section's heading and legend, then the gallery's grid (the hostile one is for the test above).
      const clip = await page.evaluate((folder) => {
        const section = document.getElementById('subjects')!.getBoundingClientRect();
        const grid = document.querySelector(`.case-grid[data-folder="${folder}"]`)!.getBoundingClientRect();
        return { x: section.x + scrollX, y: section.y + scrollY, width: section.width, height: grid.bottom - section.top };
      }, GALLERY);
      await page.screenshot({ path: SCREENSHOT, fullPage: true, clip });
      expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
      expect(watch.problems).toEqual([]);
    });
  });
}
