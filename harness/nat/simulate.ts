import { FLATLINE_VERSION } from '../net/api/version.ts';
import { realTimers } from '../clock/clock.ts';
import { summarize, type ResultsFile, type RunResult } from '../scenario/results.ts';
import { runScenario } from '../scenario/runner.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { formatMs } from '../util/duration.ts';
import { natCells, WORST_CASE_PROBE, type NatCell } from './cells.ts';
import { compareHeartbeat } from './compare.ts';
import type { NatProfile } from './profiles.ts';

/**
 * The keep-alive probe idles this many times the longer of the NAT timeout and H + T: long enough
 * for the mapping to expire and for the client to notice (a reset only comes when a heartbeat
 * crosses, so a window of NAT timeouts alone can end before a long heartbeat sees it).
 */
export const KEEPALIVE_SPANS = 3;

/** Subjects the probes can drive: their options take `heartbeat: { interval, timeout }` (the reference clients). */
export type SimulatedSubject = 'tcp' | 'ws';

/** One heartbeat against one profile: the pieces of a matrix cell. */
export interface NatProbeTarget {
  heartbeatMs: number;
  replyTimeoutMs: number;
  subject: SimulatedSubject;
  profile: NatProfile;
}

export interface NatProbe {
  scenario: Scenario;
  cell: Record<string, unknown>;
}

/**
 * Two runs per cell. keep-alive: idle behind the profile's NAT for the KEEPALIVE_SPANS window; the
 * connection must survive exactly when the arithmetic says so (a predicted break is an expected
 * finding, not a failure). detection: the arithmetic's worst case, the mapping lost (with the
 * profile's expiry behaviour) 1 ms after the last traffic; counted from that traffic, it must be
 * noticed within the prediction.
 */
export function natProbes({ heartbeatMs, replyTimeoutMs, subject, profile }: NatProbeTarget): NatProbe[] {
  const cell = { heartbeat: formatMs(heartbeatMs), timeout: formatMs(replyTimeoutMs), nat: profile.id, subject };
  const label = Object.entries(cell).map(([k, v]) => `${k}=${v}`).join(' ');
  const options = { heartbeat: { interval: heartbeatMs, timeout: replyTimeoutMs } };
  const predicted = compareHeartbeat({ intervalMs: heartbeatMs, replyTimeoutMs }, profile);
  const windowMs = KEEPALIVE_SPANS * Math.max(profile.idleTimeoutMs, heartbeatMs + replyTimeoutMs);
  const keepalive: Scenario = {
    name: `nat keep-alive [${label}]`,
    description: `${formatMs(windowMs)} idle behind the ${profile.name}; predicted: ${predicted.verdict}`,
    subject: { kind: subject, options },
    network: { nat: profile.id },
    timeline: [{ at: 0, do: 'connect' }],
    checks: [{ check: 'keepalive', window: windowMs }],
    horizon: windowMs + 1_000,
    finding: predicted.keepsAlive ? undefined : `predicted: ${predicted.verdict}`,
  };
  const mappingLost = { name: 'mapping-lost', type: 'nat_idle', stream: 'downstream' as const, attributes: { timeout: 1, refresh: profile.refresh, on_expiry: profile.onExpiry } };
  const detection: Scenario = {
    name: `nat detection [${label}]`,
    description: `the ${profile.name} mapping is lost 1 ms after the last traffic (${profile.onExpiry}): the worst case for noticing it`,
    subject: { kind: subject, options },
    timeline: [
      { at: 0, do: 'connect' },
      { at: 0, do: 'add-toxic', toxic: mappingLost },
    ],
    checks: [{ check: 'detection', death: { toxic: mappingLost.name }, bound: predicted.detectionMs }],
    horizon: 2 * predicted.detectionMs + replyTimeoutMs,
  };
  return [
    { scenario: keepalive, cell: { ...cell, probe: 'keepalive' } },
    { scenario: detection, cell: { ...cell, probe: WORST_CASE_PROBE } },
  ];
}

export interface NatSimulationOptions {
  heartbeatsMs: number[];
  replyTimeoutMs: number;
  subject: SimulatedSubject;
  profiles: readonly NatProfile[];
  seed: number;
}

export interface NatSimulation {
  /** One per heartbeat x profile, in that order, with what happened next to what was predicted. */
  cells: NatCell[];
  /** Every run, as `flatline run` would write them (for the JSON and HTML reports). */
  results: ResultsFile;
}

/** Runs the heartbeat x profile matrix in virtual time through the runner. */
export async function simulateNat(options: NatSimulationOptions): Promise<NatSimulation> {
  const started = realTimers.dateNow();
  const targets = options.heartbeatsMs.flatMap((heartbeatMs) => options.profiles.map((profile) => ({ heartbeatMs, profile })));
  const probes = targets.flatMap(({ heartbeatMs, profile }) => natProbes({ heartbeatMs, replyTimeoutMs: options.replyTimeoutMs, subject: options.subject, profile }));
  const runs: RunResult[] = [];
  for (const { scenario, cell } of probes) {
    const run = await runScenario(scenario, { seed: options.seed, file: 'flatline nat --simulate', cell });
    runs.push({ ...run, replay: replayLine(options, cell) });
  }
  const results: ResultsFile = { flatline: FLATLINE_VERSION, seed: options.seed, summary: summarize(runs, realTimers.dateNow() - started), runs };
  return { cells: natCells(runs), results };
}

/** The command that reruns one cell (both its probes). */
function replayLine(options: NatSimulationOptions, cell: Record<string, unknown>): string {
  return `flatline nat --simulate --heartbeat ${cell.heartbeat} --timeout ${cell.timeout} --subject ${options.subject} --profile ${cell.nat} --seed ${options.seed}`;
}
