import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLATLINE_VERSION } from '../../net/api/version.ts';
import { runScenario } from '../../scenario/runner.ts';
import { summarize, type ResultsFile, type RunResult } from '../../scenario/results.ts';
import type { TraceEvent } from '../../trace/trace.ts';
import { referenceStorm } from '../../../scenarios/fleet/reference.scenario.ts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openFile, type Browser, type PageWatch } from '../../../test/support/chromium.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';
import { buildFleetLines, CDF_POINTS, type FleetLine } from './fleet.ts';
import { renderHtml } from './render.ts';

const OUT = path.resolve('reports', 'browser-test');
const PAGE = path.join(OUT, 'fleet.html');
const SCREENSHOT = path.join(OUT, 'fleet.png');
const HUGE = 100_000;

/**
 * A made-up storm of 100,000 members: all lose their connection at 60 s, member i retries at
 * 60 s + (i mod 90) s, refused, and is back at 60 s + 30 s + (i mod 60) s.
 */
function hugeFleet(): RunResult {
  const trace: TraceEvent[] = [{ t: 60_000, source: 'server:server', type: 'server.stopped', mode: 'crash' }];
  for (let i = 0; i < HUGE; i++) {
    const source = `client:tcp-${i}`;
    trace.push({ t: 0, source, type: 'connected', attempt: 0 }, { t: 60_000, source, type: 'link.dead', reason: 'connection closed by peer' });
    trace.push({ t: 60_000 + (i % 30) * 1000, source, type: 'connect.attempt', attempt: 1 }, { t: 60_000 + (i % 30) * 1000, source, type: 'link.dead', reason: 'ECONNREFUSED' });
    trace.push({ t: 90_000 + (i % 60) * 1000, source, type: 'connect.attempt', attempt: 2 }, { t: 90_000 + (i % 60) * 1000, source, type: 'connected', attempt: 2 });
  }
  trace.sort((a, b) => a.t - b.t);
  return fakeRun({
    id: 'huge.scenario.ts#100,000 clients',
    scenario: '100,000 clients',
    subject: 'tcp',
    trace,
    verdicts: [{ check: 'herd', status: 'pass', summary: 'made up', measured: { at: 60_000 } }],
  });
}

if (!chromiumAvailable()) {
  console.warn(`browser tests skipped: ${CHROMIUM_MISSING}`);
  it.skip(CHROMIUM_MISSING, () => {});
} else {
  describe('the fleet page in headless chromium', () => {
    let lines: FleetLine[];
    let browser: Browser;
    let page: Page;
    let watch: PageWatch;

    beforeAll(async () => {
      const runs: RunResult[] = [];
      // one world at a time: a world installs the process's clock
      for (const jitter of ['none', 'full'] as const) runs.push(await runScenario(referenceStorm(jitter, 100), { seed: 1, file: 'scenarios/fleet/reference.scenario.ts', cell: { jitter } }));
      runs.push(hugeFleet());
      const results: ResultsFile = { flatline: FLATLINE_VERSION, seed: 1, summary: summarize(runs, 0), runs };
      lines = buildFleetLines(runs);
      fs.mkdirSync(OUT, { recursive: true });
      fs.writeFileSync(PAGE, renderHtml(results));
      browser = await launchChromium();
      ({ page, watch } = await openFile(browser.context, PAGE));
      await page.waitForSelector('body[data-ready="all"]');
      await page.locator('.fleet-cdf[data-rendered="true"]').waitFor();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('draws a line per fleet run on both charts, every point of each', async () => {
      expect(lines.map((l) => l.label)).toEqual(['tcp jitter=none', 'tcp jitter=full', 'tcp']);
      const drawn = (chart: string) => page.locator(`.fleet-section .${chart} + .legend li`).evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.drawn)));
      expect(await drawn('fleet-rate')).toEqual(lines.map((l) => l.rate.length));
      expect((await drawn('fleet-cdf')).every((n) => n > 0)).toBe(true);
      expect(await page.locator('.fleet-section .fleet-rate canvas').count()).toBe(1);
    });

    it('shows each run’s herd numbers, the lock-step one beside the jittered one', async () => {
      const rows = await page.locator('table.fleet-numbers tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
      expect(rows).toHaveLength(3);
      expect(rows[0]!.slice(0, 4)).toEqual(['tcp jitter=none', '100 of 100', '100', '100']);
      expect(rows[1]![3]).not.toBe('100');
      expect(rows[2]!.slice(1, 4)).toEqual(['100000 of 100000', String(Math.ceil(HUGE / 30)), String(Math.ceil(HUGE / 60))]);
    });

    it('carries a 100,000-client fleet as per-second counts and at most 200 CDF points', () => {
      const huge = lines[2]!;
      expect(huge.rate.reduce((a, b) => a + b, 0)).toBe(2 * HUGE);
      expect(huge.cdf.length).toBeLessThanOrEqual(CDF_POINTS + 1);
      expect(huge.cdf.at(-1)).toEqual([89_000, 1]);
      expect(fs.statSync(PAGE).size).toBeLessThan(2_000_000);
    });

    it('made no network request and logged no error; the screenshot is saved', async () => {
      await page.locator('#fleets').screenshot({ path: SCREENSHOT });
      expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
      expect(watch.problems).toEqual([]);
    });
  });
}
