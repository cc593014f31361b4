import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLATLINE_VERSION } from '../../net/api/version.ts';
import { expand } from '../../scenario/loader.ts';
import { runScenario } from '../../scenario/runner.ts';
import { summarize, type ResultsFile, type RunResult } from '../../scenario/results.ts';
import type { Scenario } from '../../scenario/scenario.ts';
import type { TraceEvent } from '../../trace/trace.ts';
import galleryNatIdle from '../../../scenarios/gallery/nat-idle.scenario.ts';
import heartbeatVsNat from '../../../scenarios/heartbeat-vs-nat.scenario.ts';
import natIdle from '../../../scenarios/nat-idle.scenario.ts';
import { CHROMIUM_MISSING, chromiumAvailable, type Browser, type PageWatch } from '../../../test/support/chromium.ts';
import { openReportPage } from '../../../test/support/report-page.ts';

/** The NAT's marks, counted straight from the trace, independently of the report's own preparation. */
const NAT_MARKS: Record<string, (e: TraceEvent) => boolean> = {
  'nat.mapping.created': (e) => e.type === 'nat.mapping.created' && e.by !== 'pickup',
  'nat.refreshed': (e) => e.type === 'nat.refreshed',
  'nat.expired': (e) => e.type === 'nat.expired',
  'nat.mapping.recreated': (e) => e.type === 'nat.mapping.created' && e.by === 'pickup',
  'nat.reset.client': (e) => e.type === 'nat.reset.sent' && e.side === 'inside',
  'nat.reset.server': (e) => e.type === 'nat.reset.sent' && e.side === 'outside',
};

/** A cell of a built-in suite, by the start of its name and its cell. */
const builtIn = (exported: Parameters<typeof expand>[0], name: string, cell: Record<string, unknown>) => {
  const found = expand(exported).find((x) => x.scenario.name.startsWith(name) && Object.entries(cell).every(([k, v]) => x.cell?.[k] === v));
  if (!found) throw new Error(`the built-in suites lost "${name}" ${JSON.stringify(cell)}`);
  return found;
};

interface Case {
  what: string;
  /** The NAT_MARKS its timeline must show. */
  marks: string[];
  file: string;
  run: () => { scenario: Scenario; cell?: Record<string, unknown> };
}

const CREATED = 'nat.mapping.created';

/** Cells of the built-in suites and the gallery on the sim NAT: what each shows, its marks, its file, suite, name and cell. */
const BUILT_IN: [string, string[], string, Parameters<typeof expand>[0], string, Record<string, unknown>][] = [
  ['a heartbeat under the timeout refreshes the mapping', [CREATED, 'nat.refreshed'], 'scenarios/nat-idle.scenario.ts', natIdle, 'nat idle: heartbeat under a 5m NAT keeps the connection for 24h', { subject: 'tcp' }],
  ['a heartbeat over a Linux NAT: expired, then re-created by the pickup', [CREATED, 'nat.expired', 'nat.mapping.recreated'], 'scenarios/nat-idle.scenario.ts', natIdle, 'nat idle: heartbeat 6m over a 5m Linux NAT, the mapping is picked up again and nothing breaks', { subject: 'tcp' }],
  ["the gallery: a client's heartbeat keeps the mapping through 30m of quiet", [CREATED, 'nat.refreshed'], 'scenarios/gallery/nat-idle.scenario.ts', galleryNatIdle, 'gallery nat-idle', { subject: 'tcp' }],
  ['the gallery: a client with no heartbeat lets the mapping expire', [CREATED, 'nat.expired'], 'scenarios/gallery/nat-idle.scenario.ts', galleryNatIdle, 'gallery nat-idle', { subject: 'seed-raw' }],
  ['the AWS NAT gateway answers the client with RST', [CREATED, 'nat.expired', 'nat.reset.client'], 'scenarios/heartbeat-vs-nat.scenario.ts', heartbeatVsNat, '', { heartbeat: '6m', nat: 'aws-nat-gateway', probe: 'detection' }],
];

/** Runs on the sim NAT, each with the marks its timeline must show: the built-in suites' and the gallery's own, and the server speaking first. */
const CASES: Case[] = [
  ...BUILT_IN.map(([what, marks, file, suite, name, cell]): Case => ({ what, marks, file, run: () => builtIn(suite, name, cell) })),
  {
    what: 'the server speaks first after expiry: the router answers it with RST',
    marks: [CREATED, 'nat.expired', 'nat.reset.server'],
    file: 'nat-browser.test.ts',
    run: () => ({
      scenario: {
        name: 'the server speaks first after expiry',
        subject: { kind: 'tcp', options: { heartbeat: { interval: '1h', timeout: '10s' } } },
        server: { ping: { interval: '5m', timeout: '10s' } },
        network: { nat: { profile: 'linux-conntrack', timeout: '4m' } },
        timeline: [{ at: 0, do: 'connect' }],
        checks: [{ check: 'keepalive', window: '6m' }],
        horizon: '7m',
      },
    }),
  },
];

if (!chromiumAvailable()) {
  console.warn(`browser tests skipped: ${CHROMIUM_MISSING}`);
  it.skip(CHROMIUM_MISSING, () => {});
} else {
  describe("the report's timeline of runs on the sim NAT, in headless chromium", () => {
    const runs: RunResult[] = [];
    let browser: Browser;
    let page: Page;
    let watch: PageWatch;

    beforeAll(async () => {
      // one world at a time: a world installs the process's clock
      for (const c of CASES) {
        const { scenario, cell } = c.run();
        runs.push(await runScenario(scenario, { seed: 1, file: c.file, cell }));
      }
      const results: ResultsFile = { flatline: FLATLINE_VERSION, seed: 1, summary: summarize(runs, 0), runs };
      ({ browser, page, watch } = await openReportPage(results, path.resolve('reports', 'browser-test', 'nat.html')));
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
    });

    it.each(CASES.map((c, i) => [c.what, i] as const))('%s: the marks are there, one count per trace event', async (_what, i) => {
      const run = runs[i]!;
      expect(run.error).toBeUndefined();
      const row = page.locator('tr.run-row', { has: page.locator('.scenario', { hasText: run.scenario }) });
      const detail = page.locator(`.detail[data-run-id="${run.id}"]`);
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
      await detail.locator('.timeline[data-rendered="true"]').waitFor();
      for (const kind of CASES[i]!.marks) {
        const total = run.trace.filter(NAT_MARKS[kind]!).length;
        expect(total, `${kind} in the trace`).toBeGreaterThan(0);
        const entry = detail.locator(`.timeline [data-mark="${kind}"]`);
        expect(await entry.getAttribute('data-total'), kind).toBe(String(total));
        expect(Number(await entry.getAttribute('data-points')), kind).toBeGreaterThan(0);
      }
      // and nothing the trace does not hold
      for (const [kind, counts] of Object.entries(NAT_MARKS)) {
        if (!run.trace.some(counts)) expect(await detail.locator(`.timeline [data-mark="${kind}"]`).count(), kind).toBe(0);
      }
      expect(watch.problems).toEqual([]);
    });
  });
}
