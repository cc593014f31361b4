import fs from 'node:fs';
import path from 'node:path';
import { realTimers } from '../harness/clock/clock.ts';
import { FLATLINE_VERSION } from '../harness/net/api/version.ts';
import { renderHtml } from '../harness/report/html/render.ts';
import { planRuns, resolveScenarioFiles } from '../harness/scenario/loader.ts';
import { summarize, type ResultsFile, type RunResult, type RunStatus } from '../harness/scenario/results.ts';
import { runSuite } from '../harness/scenario/suite.ts';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openFile } from '../test/support/chromium.ts';
import { fmt, heading, row } from './support.ts';

const RUNS = 1000;
const OUT = path.join('reports', 'bench', 'index.html');

/**
 * The HTML report for 1,000 runs, cloned from a real run of the built-in suites (their traces hold a
 * day of heartbeats and hundreds of messages) with other names and statuses. Targets: generated in
 * < 5 s, < 10 MB, and the overview rendered in headless chromium within 2 s.
 */
export async function benchReport(): Promise<void> {
  const { runs, failures } = await planRuns(resolveScenarioFiles(['scenarios']));
  const results = cloneRuns(await runSuite(runs, failures, { seed: 1, workers: 1 }), RUNS);

  heading(`HTML report, ${RUNS.toLocaleString('en-US')} runs (cloned from the built-in suites)`, 'time', 'size', 'target');
  const started = realTimers.performanceNow();
  const html = renderHtml(results);
  const renderMs = realTimers.performanceNow() - started;
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, html);
  const traceBytes = results.runs.reduce((sum, r) => sum + JSON.stringify(r.trace).length, 0);
  row(`generate (${(traceBytes / 1e6).toFixed(0)} MB of traces in)`, fmt.ms(renderMs), `${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB`, '< 5 s, < 10 MB');

  if (!chromiumAvailable()) {
    row(`overview in headless chromium: skipped, ${CHROMIUM_MISSING}`);
    return;
  }
  const browser = await launchChromium();
  try {
    const { page, watch } = await openFile(browser.context, OUT);
    await page.waitForSelector('body[data-ready]');
    const overviewMs = await page.evaluate(() => performance.getEntriesByName('flatline:overview')[0]!.startTime);
    await page.waitForSelector('body[data-ready="all"]');
    const firstRunMs = await page.evaluate(() => performance.now());
    row('overview rendered in headless chromium', fmt.ms(overviewMs), '', '< 2 s');
    row(`first run opened, charts drawn${watch.problems.length ? ` (${watch.problems.length} page errors!)` : ''}`, fmt.ms(firstRunMs));
  } finally {
    await browser.close();
  }
}

/** `count` runs made from `base`, renamed, with a share of failures, findings and errors like a bad day's. */
function cloneRuns(base: RunResult[], count: number): ResultsFile {
  const status = (i: number): RunStatus => (i % 25 === 3 ? 'error' : i % 10 === 1 ? 'fail' : i % 20 === 7 ? 'finding' : 'pass');
  const runs = Array.from({ length: count }, (_, i): RunResult => {
    const run = base[i % base.length]!;
    const s = status(i);
    const scenario = `${run.scenario} #${i + 1}`;
    const verdicts = run.verdicts.map((v, k) => (k === 0 && (s === 'fail' || s === 'finding') ? { ...v, status: 'fail' as const } : v));
    return {
      ...run,
      id: `${run.file}#${scenario}`,
      scenario,
      status: s,
      verdicts,
      finding: s === 'finding' ? 'a known shortfall, cloned for the benchmark' : undefined,
      error: s === 'error' ? { code: 'FLATLINE_ERR_RUN', message: 'cloned error for the benchmark' } : undefined,
    };
  });
  return { flatline: FLATLINE_VERSION, seed: 1, summary: summarize(runs, 0), runs };
}
