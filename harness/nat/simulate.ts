import { FLATLINE_VERSION } from '../net/api/version.ts';
import { realTimers } from '../clock/clock.ts';
import { summarize, type ResultsFile, type RunResult } from '../scenario/results.ts';
import { runScenario } from '../scenario/runner.ts';
import type { NatSpec } from '../scenario/nat-spec.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { formatMs } from '../util/duration.ts';
import { LOST_AFTER_MS, natCells, WORST_CASE_PROBE, type NatCell } from './cells.ts';
import { compareHeartbeat } from './compare.ts';
import { findProfile, isBuiltInProfile, type NatProfile } from './profiles.ts';
import { isMqtt, replyTimeoutFor, subjectOptions, type SimulatedSubject } from './subjects.ts';

export type { SimulatedSubject };

/**
 * The keep-alive probe idles this many times the longer of the NAT timeout and H + T: long enough
 * for the mapping to expire and for the client to notice (a reset only comes when a heartbeat
 * crosses, so a window of NAT timeouts alone can end before a long heartbeat sees it).
 */
export const KEEPALIVE_SPANS = 3;

/**
 * How a scenario names the profile's NAT: a built-in by id, any other by its conntrack settings (so
 * the simulated NAT has the profile's expiry semantics); `timeoutMs` changes its idle timeout.
 */
function natOf(profile: NatProfile, timeoutMs = profile.idleTimeoutMs): NatSpec {
  if (isBuiltInProfile(profile)) return timeoutMs === findProfile(profile.id).idleTimeoutMs ? profile.id : { profile: profile.id, timeout: timeoutMs };
  const { loose, port, filter, resetInside, refresh } = profile.sim;
  return { timeout: timeoutMs, loose, port, filter, reset_inside: resetInside ?? false, refresh };
}

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
 * Two runs per cell, both behind the simulated NAT with the profile's expiry semantics.
 * keep-alive: idle for the KEEPALIVE_SPANS window; the connection must survive exactly when the
 * arithmetic says so (a predicted break is an expected finding, not a failure). detection: the
 * arithmetic's worst case, the profile's NAT with a 1 ms idle timeout, so every mapping is lost
 * right after the last traffic; from its first expiry the client must notice within the
 * prediction, or, where the profile picks the connection up on the same port, never raise an alarm.
 */
export function natProbes(target: NatProbeTarget): NatProbe[] {
  const { heartbeatMs, subject, profile } = target;
  const replyTimeoutMs = replyTimeoutFor(subject, heartbeatMs, target.replyTimeoutMs);
  const cell = { heartbeat: formatMs(heartbeatMs), timeout: formatMs(replyTimeoutMs), nat: profile.id, subject };
  const label = Object.entries(cell).map(([k, v]) => `${k}=${v}`).join(' ');
  const options = subjectOptions(subject, heartbeatMs, replyTimeoutMs);
  const predicted = compareHeartbeat({ intervalMs: heartbeatMs, replyTimeoutMs }, profile);
  const windowMs = KEEPALIVE_SPANS * Math.max(profile.idleTimeoutMs, heartbeatMs + replyTimeoutMs);
  const keepalive: Scenario = {
    name: `nat keep-alive [${label}]`,
    description: `${formatMs(windowMs)} idle behind the ${profile.name}; predicted: ${predicted.verdict}`,
    subject: { kind: subject, options },
    network: { nat: natOf(profile) },
    timeline: [{ at: 0, do: 'connect' }],
    checks: [{ check: 'keepalive', window: windowMs }],
    horizon: windowMs + 1_000,
    finding: predicted.keepsAlive ? undefined : `predicted: ${predicted.verdict}`,
  };
  const lost = { event: 'nat.expired' };
  const detection: Scenario = {
    name: `nat detection [${label}]`,
    description: `the ${profile.name} mapping is lost ${LOST_AFTER_MS} ms after the last traffic (${predicted.outcome}): the worst case for noticing it`,
    subject: { kind: subject, options },
    network: { nat: natOf(profile, LOST_AFTER_MS) },
    timeline: [{ at: 0, do: 'connect' }],
    checks: [predicted.detectionMs === null ? { check: 'no-false-alarm', from: lost } : { check: 'detection', death: lost, bound: predicted.detectionMs }],
    horizon: 2 * (predicted.detectionMs ?? heartbeatMs + replyTimeoutMs) + replyTimeoutMs,
  };
  return [
    { scenario: keepalive, cell: { ...cell, probe: 'keepalive' } },
    { scenario: detection, cell: { ...cell, probe: WORST_CASE_PROBE } },
  ];
}

/** Cell value of the long keep-alive probe that confirms a recommended heartbeat. */
export const HOLD_PROBE = 'hold';

/** One run: `holdMs` idle behind the profile's NAT with heartbeat H; the connection must survive it all. */
export function holdProbe(target: NatProbeTarget, holdMs: number): NatProbe {
  const { heartbeatMs, subject, profile } = target;
  const replyTimeoutMs = replyTimeoutFor(subject, heartbeatMs, target.replyTimeoutMs);
  const cell = { heartbeat: formatMs(heartbeatMs), timeout: formatMs(replyTimeoutMs), nat: profile.id, subject };
  const label = Object.entries(cell).map(([k, v]) => `${k}=${v}`).join(' ');
  return {
    scenario: {
      name: `nat hold ${formatMs(holdMs)} [${label}]`,
      description: `the recommended heartbeat, ${formatMs(holdMs)} idle behind the ${profile.name}: every mapping must survive`,
      subject: { kind: subject, options: subjectOptions(subject, heartbeatMs, replyTimeoutMs) },
      network: { nat: natOf(profile) },
      timeline: [{ at: 0, do: 'connect' }],
      checks: [{ check: 'keepalive', window: holdMs }],
      horizon: holdMs + 1_000,
    },
    cell: { ...cell, probe: HOLD_PROBE },
  };
}

export interface NatSimulationOptions {
  heartbeatsMs: number[];
  replyTimeoutMs: number;
  subject: SimulatedSubject;
  profiles: readonly NatProfile[];
  seed: number;
  /** Also hold every heartbeat behind every profile it is predicted to keep alive, this long (say 24 h). */
  holdMs?: number;
}

/** The long hold of one heartbeat: did every mapping predicted to survive survive it? */
export interface NatHold {
  heartbeatMs: number;
  holdMs: number;
  /** Profiles held (those the arithmetic says the heartbeat keeps alive). */
  profiles: string[];
  /** Those whose mapping broke (or whose run could not be judged) during the hold; empty when all held. */
  broke: string[];
}

export interface NatSimulation {
  /** One per heartbeat x profile, in that order, with what happened next to what was predicted. */
  cells: NatCell[];
  /** One per heartbeat, with holdMs. */
  holds: NatHold[];
  /** Every run, as `flatline run` would write them (for the JSON and HTML reports). */
  results: ResultsFile;
}

/** Runs the heartbeat x profile matrix in virtual time through the runner. */
export async function simulateNat(options: NatSimulationOptions): Promise<NatSimulation> {
  const started = realTimers.dateNow();
  const targets = options.heartbeatsMs.flatMap((heartbeatMs) => options.profiles.map((profile) => ({ heartbeatMs, profile })));
  const probes = targets.flatMap(({ heartbeatMs, profile }) => natProbes({ heartbeatMs, replyTimeoutMs: options.replyTimeoutMs, subject: options.subject, profile }));
  const holdMs = options.holdMs;
  const holds = holdMs ? targets.filter(({ heartbeatMs, profile }) => compareHeartbeat({ intervalMs: heartbeatMs, replyTimeoutMs: options.replyTimeoutMs }, profile).keepsAlive) : [];
  const holdProbes = holdMs ? holds.map(({ heartbeatMs, profile }) => holdProbe({ heartbeatMs, replyTimeoutMs: options.replyTimeoutMs, subject: options.subject, profile }, holdMs)) : [];
  const runs: RunResult[] = [];
  for (const { scenario, cell } of [...probes, ...holdProbes]) {
    const run = await runScenario(scenario, { seed: options.seed, file: 'flatline nat --simulate', cell });
    runs.push({ ...run, replay: replayLine(options, cell) });
  }
  const results: ResultsFile = { flatline: FLATLINE_VERSION, seed: options.seed, summary: summarize(runs, realTimers.dateNow() - started), runs };
  // Holds are judged apart: the cells compare with the arithmetic, a hold confirms a heartbeat for a day.
  const held = runs.filter((r) => r.cell?.probe === HOLD_PROBE);
  return {
    cells: natCells(runs.filter((r) => r.cell?.probe !== HOLD_PROBE)),
    results,
    holds: holdMs
      ? options.heartbeatsMs.map((heartbeatMs) => {
          const mine = held.filter((r) => r.cell!.heartbeat === formatMs(heartbeatMs));
          return { heartbeatMs, holdMs, profiles: mine.map((r) => String(r.cell!.nat)), broke: mine.filter((r) => r.status !== 'pass').map((r) => String(r.cell!.nat)) };
        })
      : [],
  };
}

/** The command that reruns one cell (both its probes). */
function replayLine(options: NatSimulationOptions, cell: Record<string, unknown>): string {
  const network = options.profiles.some((p) => p.id === cell.nat && isBuiltInProfile(p)) ? `--networks ${cell.nat}` : `--nat ${cell.nat}`;
  const timeout = isMqtt(options.subject) ? '' : ` --timeout ${cell.timeout}`;
  const hold = cell.probe === HOLD_PROBE ? ` --hold ${formatMs(options.holdMs!)}` : '';
  return `flatline nat --simulate --heartbeat ${cell.heartbeat}${timeout} --subject ${options.subject} ${network}${hold} --seed ${options.seed}`;
}
