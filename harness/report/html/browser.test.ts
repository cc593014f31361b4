import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOST_AFTER_MS } from '../../nat/cells.ts';
import type { ResultsFile, RunResult } from '../../scenario/results.ts';
import type { TraceEvent } from '../../trace/trace.ts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openFile, type Browser, type PageWatch } from '../../../test/support/chromium.ts';
import { HOSTILE_FINDING, HOSTILE_NAME, HOSTILE_SUBJECT, sampleResults } from '../../../test/support/sample-results.ts';
import { renderHtml } from './render.ts';

const OUT = path.resolve('reports', 'browser-test');
const SCREENSHOT = path.join(OUT, 'report.png');

/** Counted straight from the trace, independently of the report's own preparation. */
const C = 'client:subject';
const TRACE_COUNTS: Record<string, (e: TraceEvent) => boolean> = {
  'heartbeat.sent': (e) => e.source === C && e.type === 'heartbeat.sent',
  'heartbeat.reply': (e) => e.source === C && e.type === 'heartbeat.reply',
  'link.dead': (e) => e.source === C && e.type === 'link.dead',
  reconnect: (e) => e.source === C && e.type === 'connect.attempt' && Number(e.attempt) > 0,
  'message.sent': (e) => e.source === C && e.type === 'message.sent',
  'message.delivered': (e) => e.type === 'message.delivered',
};

if (!chromiumAvailable()) {
  console.warn(`browser tests skipped: ${CHROMIUM_MISSING}`);
  it.skip(CHROMIUM_MISSING, () => {});
} else {
  describe('the HTML report in headless chromium', () => {
    let results: ResultsFile;
    let browser: Browser;
    let page: Page;
    let watch: PageWatch;
    const run = (name: string) => results.runs.find((r) => r.scenario === name)!;
    const rowOf = (r: RunResult) => page.locator('tr.run-row', { has: page.locator('.scenario', { hasText: r.scenario }) });

    beforeAll(async () => {
      results = await sampleResults();
      fs.mkdirSync(OUT, { recursive: true });
      fs.writeFileSync(path.join(OUT, 'index.html'), renderHtml(results));
      browser = await launchChromium();
      ({ page, watch } = await openFile(browser.context, path.join(OUT, 'index.html')));
      await page.waitForSelector('body[data-ready="all"]');
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('shows the same counts as the JSON, failing runs first', async () => {
      for (const status of ['pass', 'fail', 'finding', 'error'] as const) {
        expect(await page.locator(`[data-status-count="${status}"] .count`).textContent(), status).toBe(String(results.summary[status]));
      }
      const statuses = await page.locator('tr.run-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.status));
      expect(statuses).toHaveLength(results.runs.length);
      expect(statuses).toEqual([...statuses].sort((a, b) => ['fail', 'error', 'finding', 'pass'].indexOf(a!) - ['fail', 'error', 'finding', 'pass'].indexOf(b!)));
      expect(await page.locator('.lead').textContent()).toMatch(/^2 runs failed and 1 run could not be judged: listed first/);
    });

    it('opens the first failing run with its verdicts, a timeline and a backoff chart with every mark', async () => {
      const failing = run('restart: held to a schedule the client does not follow');
      await expect.poll(() => rowOf(failing).getAttribute('aria-expanded')).toBe('true');
      const detail = page.locator(`.detail[data-run-id="${failing.id}"]`);
      await detail.locator('.timeline[data-rendered="true"]').waitFor();
      await detail.locator('.backoff[data-rendered="true"]').waitFor();

      expect(await detail.locator('.verdict[data-status="fail"] .summary').textContent()).toBe(failing.verdicts.find((v) => v.status === 'fail')!.summary);
      for (const [kind, counts] of Object.entries(TRACE_COUNTS)) {
        const events = failing.trace.filter(counts);
        const entry = detail.locator(`.timeline [data-mark="${kind}"]`);
        if (events.length === 0) {
          expect(await entry.count(), kind).toBe(0);
          continue;
        }
        expect(await entry.getAttribute('data-total'), kind).toBe(String(events.length));
        // One mark per instant (a failed reconnect dies at the instant it starts); a 2-minute run needs no thinning.
        expect(await entry.getAttribute('data-drawn'), kind).toBe(String(new Set(events.map((e) => e.t)).size));
      }
      expect(await detail.locator('.timeline [data-fault="server"]').count()).toBe(1);

      const attempts = failing.trace.filter(TRACE_COUNTS.reconnect!).length;
      const drawn = async (series: string) => Number((await detail.locator(`.backoff [data-series="${series}"]`).getAttribute('data-drawn')) ?? 0);
      expect(attempts).toBe(failing.verdicts[0]!.measured.attempts);
      expect((await drawn('observed')) + (await drawn('off-schedule'))).toBe(attempts);
      expect(await drawn('off-schedule')).toBe(failing.verdicts[0]!.measured.problems);
      expect(await drawn('announced')).toBe(failing.trace.filter((e) => e.source === C && e.type === 'reconnect.scheduled').length);
      expect(await detail.locator('.delivery tr[data-count="lost"]').getAttribute('data-value')).toBe('0');
      expect(await detail.locator('.replay code').textContent()).toBe(failing.replay);
    });

    it('opens another failing run on click, with where the link died and where it was noticed', async () => {
      const failing = run('blackhole: detection bound too tight');
      await rowOf(failing).click();
      const detail = page.locator(`.detail[data-run-id="${failing.id}"]`);
      await detail.locator('.timeline[data-rendered="true"]').waitFor();
      expect(await detail.locator('.verdict[data-check="detection"] .summary').textContent()).toMatch(/^detected after 35s .*bound 1s: 34s late$/);
      expect(await detail.locator('.timeline [data-fault="toxic"]').count()).toBe(1);
      expect(await detail.locator('.timeline [data-mark="link.dead"]').getAttribute('data-drawn')).toBe(String(new Set(failing.trace.filter(TRACE_COUNTS['link.dead']!).map((e) => e.t)).size));
      await rowOf(failing).click();
      expect(await detail.count()).toBe(0);
    });

    it('matches the heatmap cells to the matrix runs', async () => {
      const cells = await page.locator('td.nat-cell').evaluateAll((tds) => tds.map((td) => ({ ...(td as HTMLElement).dataset })));
      const probes = results.runs.filter((r) => r.cell?.probe === 'keepalive');
      expect(cells).toHaveLength(probes.length);
      for (const probe of probes) {
        const { heartbeat, nat } = probe.cell as { heartbeat: string; nat: string };
        const detection = results.runs.find((r) => r.cell?.probe === 'detection' && r.cell.heartbeat === heartbeat && r.cell.nat === nat)!;
        expect(cells.find((c) => c.heartbeat === heartbeat && c.nat === nat), `${heartbeat} x ${nat}`).toEqual({
          heartbeat,
          nat,
          outcome: probe.verdicts[0]!.status === 'pass' ? 'survived' : 'broke',
          // the worst-case probe counts from its mapping's expiry; the cell from the last traffic, LOST_AFTER_MS earlier
          detectionMs: String((detection.verdicts[0]!.measured.detectionMs as number) + LOST_AFTER_MS),
          predicted: heartbeat === '3m' ? 'survives' : 'breaks',
          agrees: 'true',
        });
      }
      await page.locator('td.nat-cell[data-heartbeat="6m"][data-nat="aws-nat-gateway"]').click();
      expect(await page.locator('tr.run-row:not([hidden])').count()).toBe(2);
      await page.locator('.cell-filter').click();
      expect(await page.locator('tr.run-row:not([hidden])').count()).toBe(results.runs.length);
    });

    it('filters by text and by status', async () => {
      const visible = () => page.locator('tr.run-row:not([hidden])').count();
      await page.locator('input.search').fill('BLACKHOLE');
      expect(await visible()).toBe(1);
      await page.locator('input.search').fill('');
      await page.locator('input[data-status="pass"]').uncheck();
      expect(await visible()).toBe(results.runs.length - results.summary.pass);
      await page.locator('[data-status-count="error"]').click();
      expect(await visible()).toBe(1);
      await page.locator('[data-status-count="error"]').click();
      expect(await visible()).toBe(results.runs.length);
    });

    it('shows names, findings and errors as text, never as markup', async () => {
      expect(await page.locator('img, iframe').count()).toBe(0);
      expect(await page.locator('.scenario', { hasText: 'onerror' }).textContent()).toBe(HOSTILE_NAME);
      expect(await page.locator('.why.error').textContent()).toContain(`unknown subject "${HOSTILE_SUBJECT}"`);
      const finding = run('heartbeat 6m behind a 5m NAT');
      await rowOf(finding).click();
      expect(await page.locator(`.detail[data-run-id="${finding.id}"] .callout.finding`).textContent()).toBe(`Expected finding: ${HOSTILE_FINDING}`);
      expect(await page.locator('.detail b').count()).toBe(0);
      await rowOf(finding).click();
    });

    it('made no network request and logged no error; the screenshot is saved', async () => {
      await page.locator('tr.run-row').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
      expect(watch.problems).toEqual([]);
    });
  });
}
