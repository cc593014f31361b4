import { realTimers } from '../harness/clock/clock.ts';
import { planRuns, resolveScenarioFiles } from '../harness/scenario/loader.ts';
import { summarize } from '../harness/scenario/results.ts';
import { isFleetScenario } from '../harness/scenario/scenario.ts';
import { runSuite } from '../harness/scenario/suite.ts';
import { formatMs } from '../harness/util/duration.ts';
import { fmt, heading, row } from './support.ts';

/**
 * The built-in suites as `npm start` runs them: wall time, virtual time covered, their ratio.
 * Target: >= 48 h in < 30 s, without the fleet suite (scenarios/fleet/), which is measured on its
 * own: its seven storms drive thousands of clients for minutes, not one client for days.
 */
export async function benchSuite(): Promise<void> {
  heading('Built-in suites (scenarios/)', 'runs', 'virtual', 'wall', 'compression');
  const { runs, failures } = await planRuns(resolveScenarioFiles(['scenarios']));
  const parts = [
    ['without fleets', runs.filter((r) => !isFleetScenario(r.scenario)), failures],
    ['the fleet suite', runs.filter((r) => isFleetScenario(r.scenario)), []],
  ] as const;
  for (const [label, part, failed] of parts) {
    for (const workers of [1, 2]) {
      const started = realTimers.dateNow();
      const results = await runSuite([...part], [...failed], { seed: 1, workers });
      const summary = summarize(results, realTimers.dateNow() - started);
      const bad = summary.fail + summary.error;
      row(`${label}, ${workers} worker(s)${bad ? ` (${bad} failed or errored!)` : ''}`, String(summary.total), formatMs(summary.virtualMs), fmt.s(summary.wallMs), fmt.x(summary.virtualMs / summary.wallMs));
    }
  }
}
