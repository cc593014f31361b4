import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize, type ResultsFile } from '../../scenario/results.ts';
import { readableMs } from '../../util/duration.ts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openFile, type Browser } from '../../../test/support/chromium.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';
import { sampleResults } from '../../../test/support/sample-results.ts';
import { diffResults } from '../diff.ts';
import { mergeShards, type ShardedResultsFile } from '../shards.ts';
import { renderHtml } from './render.ts';

const OUT = path.resolve('reports', 'reading-browser-test');

/** Writes a report and opens it, ready. */
async function open(browser: Browser, name: string, results: ResultsFile, extras?: Parameters<typeof renderHtml>[1]): Promise<Page> {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.html`);
  fs.writeFileSync(file, renderHtml(results, extras));
  const { page, watch } = await openFile(browser.context, file);
  await page.waitForSelector('body[data-ready="all"]');
  expect(watch.problems).toEqual([]);
  return page;
}

/** Moves the mouse over the chart where virtual time `t` is (its x scale runs from 0 to the end of the run). */
async function hoverAt(page: Page, timeline: ReturnType<Page['locator']>, t: number): Promise<void> {
  const endMs = Number(await timeline.getAttribute('data-end-ms'));
  const box = (await timeline.locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + (t / endMs) * box.width, box.y + box.height / 2);
}

if (!chromiumAvailable()) {
  console.warn(`browser tests skipped: ${CHROMIUM_MISSING}`);
  it.skip(CHROMIUM_MISSING, () => {});
} else {
  describe('reading the HTML report in headless chromium', () => {
    let browser: Browser;
    let sample: ResultsFile;
    beforeAll(async () => {
      sample = await sampleResults();
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('names the events under the cursor on a timeline, not only the time', async () => {
      const results = sample;
      const page = await open(browser, 'hover', results);
      const run = results.runs.find((r) => r.scenario === 'restart: held to a schedule the client does not follow')!;
      const detail = page.locator(`.detail[data-run-id="${run.id}"]`);
      const timeline = detail.locator('.timeline[data-rendered="true"]');
      await timeline.waitFor();
      const dead = run.trace.find((e) => e.source === 'client:subject' && e.type === 'link.dead')!;
      await hoverAt(page, timeline, dead.t);
      const readout = detail.locator('.readout');
      await expect.poll(() => readout.textContent(), { timeout: 15_000 }).toContain(`link declared dead at ${readableMs(dead.t)}`);
      expect(await readout.textContent()).toMatch(/^t = \S+ · client /);
      // Between events, the time alone.
      const quiet = dead.t - 6_000;
      expect(run.trace.some((e) => Math.abs(e.t - quiet) < 1_500)).toBe(false);
      await hoverAt(page, timeline, quiet);
      await expect.poll(() => readout.getAttribute('data-events'), { timeout: 15_000 }).toBe('0');
      // Every off-schedule attempt is listed under the backoff chart, not only the verdict's first.
      const problems = detail.locator('.backoff .problems li');
      expect(await problems.count()).toBe(run.verdicts[0]!.measured.problems);
      expect(await problems.first().textContent()).toMatch(/^outage 1, attempt \d+ waited \S+, allowed \S+$/);
      await page.close();
    });

    it('cuts a 1 MB scenario name to a line, with the whole name on hover', async () => {
      const huge = `nat idle ${'📱'.repeat(200)}${'x'.repeat(1_000_000)}`;
      const runs = [fakeRun({ scenario: huge, status: 'fail', verdicts: [{ check: 'keepalive', status: 'fail', summary: `broke: ${huge}`, measured: {} }] }), fakeRun({ scenario: 'short' })];
      const page = await open(browser, 'huge-name', { flatline: '0.1.0', seed: 1, summary: summarize(runs, 1), runs });
      const name = page.locator('tr.run-row .scenario').first();
      const shown = (await name.textContent())!;
      expect(shown.length).toBeLessThanOrEqual(300);
      expect(shown.endsWith('…')).toBe(true);
      expect(shown).not.toMatch(/[\uD800-\uDBFF]…$/); // never half an emoji
      expect(await name.getAttribute('title')).toBe(huge);
      expect(await page.locator('tr.run-row .scenario').nth(1).getAttribute('title')).toBeNull();
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      expect(height).toBeLessThan(5_000);
      await page.close();
    });

    it('shows what changed since the baseline first, and a change opens its run', async () => {
      const results = sample;
      const detection = results.runs.find((r) => r.scenario === 'blackhole: detection bound too tight')!;
      // The baseline: that run passed and noticed 30 s sooner; one run was not there; one more was.
      const faster = { ...detection, status: 'pass' as const, verdicts: detection.verdicts.map((v) => ({ ...v, status: 'pass' as const, measured: { ...v.measured, detectionMs: Number(v.measured.detectionMs) - 30_000 } })) };
      const gone = fakeRun({ scenario: 'an old case' });
      const baselineRuns = [...results.runs.filter((r) => r !== detection && r.scenario !== 'restart: reconnects follow the schedule'), faster, gone];
      const diff = diffResults({ ...results, runs: baselineRuns }, results);
      const page = await open(browser, 'changes', results, { diff });
      const section = page.locator('section.changes');
      // First on the page: before the status cards and the runs.
      expect(await page.evaluate(() => document.querySelector('section.changes')!.compareDocumentPosition(document.querySelector('.cards')!) & Node.DOCUMENT_POSITION_FOLLOWING)).toBeTruthy();
      expect(await section.getAttribute('data-regressed')).toBe('1');
      expect(await section.locator('.lead').textContent()).toBe('1 run got worse since the baseline: listed first.');
      const kinds = await section.locator('tr.change-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.kind));
      expect(kinds).toEqual(['regressed', 'new', 'gone']);
      const worse = section.locator('tr.change-row.regressed');
      expect(await worse.locator('.flip').textContent()).toBe('pass → fail');
      expect(await worse.locator('li[data-key="detectionMs"]').textContent()).toMatch(/^detection time \S+ → \S+ \(\+30s\)$/);
      await section.screenshot({ path: path.join(OUT, 'changes.png') });
      await worse.click();
      await expect.poll(() => page.locator('tr.run-row', { has: page.locator('.scenario', { hasText: detection.scenario }) }).getAttribute('aria-expanded'), { timeout: 15_000 }).toBe('true');
      await page.close();
    });

    it('reports merged shards as one run: the counts and the order of the unsharded report', async () => {
      const results = sample;
      const plan = results.runs.map((r) => r.id);
      const shards = [0, 1, 2].map((i): { file: string; results: ShardedResultsFile } => {
        const runs = results.runs.filter((_, k) => k % 3 === i);
        return { file: `shard-${i + 1}.json`, results: { ...results, runs, summary: summarize(runs, 1), shard: { index: i + 1, total: 3, plan } } };
      });
      const merged = mergeShards([shards[1]!, shards[2]!, shards[0]!]);
      expect(merged.warnings).toEqual([]);
      const page = await open(browser, 'merged', merged.results);
      const whole = await open(browser, 'unsharded', results);
      const rowsOf = (p: Page) => p.locator('tr.run-row').evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.status} ${r.querySelector('.scenario')!.textContent}`));
      expect(await rowsOf(page)).toEqual(await rowsOf(whole));
      for (const status of ['pass', 'fail', 'finding', 'error'] as const) {
        expect(await page.locator(`[data-status-count="${status}"] .count`).textContent(), status).toBe(String(results.summary[status]));
      }
      expect(await page.locator('td.nat-cell').count()).toBe(await whole.locator('td.nat-cell').count());
      expect(await page.locator('.callout.note').count()).toBe(0);
      await page.close();
      await whole.close();
      // A shard missing from the merge is said on the page, not only on the terminal.
      const partial = mergeShards([shards[0]!, shards[2]!]);
      const gap = await open(browser, 'partial', partial.results, { notes: partial.warnings });
      expect(await gap.locator('.callout.note').textContent()).toBe(`shard 2/3 not given: the report holds ${partial.results.runs.length} of the ${plan.length} planned runs`);
      expect(await gap.locator('tr.run-row').count()).toBe(partial.results.runs.length);
      await gap.close();
    });
  });
}
