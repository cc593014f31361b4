import fs from 'node:fs';
import path from 'node:path';
import type { NatCell } from '../nat/cells.ts';
import { compareHeartbeat } from '../nat/compare.ts';
import { customProfile, findProfile, NAT_PROFILES, type NatProfile } from '../nat/profiles.ts';
import { recommendHeartbeat, thinMargins, type Recommendation } from '../nat/recommend.ts';
import type { NatSimulation } from '../nat/simulate.ts';
import { isMqtt, replyTimeoutFor, SIMULATED_SUBJECTS, type SimulatedSubject } from '../nat/subjects.ts';
import { parseTolerance } from '../report/diff.ts';
import type { InsideFirst } from '../sim/nat-outcome.ts';
import { renderJson } from '../report/json.ts';
import { renderHtml } from '../report/html/render.ts';
import { TIMER_MAX_MS } from '../schema/kit.ts';
import { formatMs, toMs } from '../util/duration.ts';
import { integerOption, parseOptions } from './args.ts';
import { usageError, type Command } from './command.ts';
import { formatTable } from './table.ts';

export const usage = `Usage: flatline nat [--networks ID[,ID...]] [--nat 4m30s[,...]] [--heartbeat 3m[,6m...]] [--timeout 10s]
                   [--margin 20%] [--simulate] [--subject tcp|ws|mqtt|mqttjs] [--hold 24h] [--seed N] [--out DIR]

Is the heartbeat short enough for the NATs your users sit behind, and which one to choose? One row
per network (published idle timeouts, sources in harness/nat/profiles.ts): does the heartbeat keep
the mapping alive, with what margin, and how long until a lost mapping is noticed in the worst
case; then the heartbeat recommended for the chosen networks, its margin and what it costs.

Options:
  --networks LIST   only these NAT profiles (default: every one; --profile is the same)
  --nat LIST        networks of your own, by idle timeout, e.g. --nat 4m30s,2h (silent drop assumed)
  --heartbeat LIST  heartbeat interval H, or several comma-separated (default: the recommended one)
  --timeout DUR     how long the client waits for a heartbeat reply, T (default 10s; MQTT subjects
                    have none to set: mqtt.js gives up 1.5 x keepalive after the last ack, T = H/2)
  --margin M        the margin to leave under the shortest idle timeout (default 20%); a heartbeat
                    that keeps a mapping with less is flagged "thin"
  --simulate        also run each heartbeat x network in virtual time through the runner (the
                    client behind the simulated NAT with the profile's expiry semantics): an idle
                    window of 3 x the longer of the NAT timeout and H + T, and the worst-case
                    detection (the mapping lost 1 ms after the last traffic); print what happened
                    next to the arithmetic
  --hold DUR        with --simulate: also hold each heartbeat this long behind every network it is
                    predicted to keep (default 24h; 0 skips it)
  --subject KIND    the client simulated: tcp, ws, mqtt (the reference MQTT client) or mqttjs
                    (raw mqtt.js) (default tcp)
  --seed N          seed for the simulation (default 1)
  --out DIR         with --simulate: write DIR/results.json and the HTML report DIR/index.html
  -h, --help        show this help

Exit codes: 0 done (with --simulate: every cell agrees with the arithmetic and every hold kept its
mappings), 1 a simulated cell disagrees with the arithmetic or a hold broke (a finding: the model or
the harness is wrong somewhere), 2 a usage error.`;

/** Everything `flatline nat` takes from its command line, checked. */
export interface NatArgs {
  heartbeatsMs: number[];
  replyTimeoutMs: number;
  profiles: NatProfile[];
  margin: number;
  recommendation: Recommendation;
  simulate: boolean;
  subject: SimulatedSubject;
  holdMs: number;
  seed: number;
  out?: string;
}

export function parseNatArgs(argv: string[]): NatArgs {
  const values = parseOptions(argv, {
    heartbeat: { type: 'string' },
    timeout: { type: 'string' },
    networks: { type: 'string' },
    profile: { type: 'string' },
    nat: { type: 'string' },
    margin: { type: 'string', default: '20%' },
    simulate: { type: 'boolean', default: false },
    subject: { type: 'string', default: 'tcp' },
    hold: { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  });
  const subject = values.subject as SimulatedSubject;
  if (!(SIMULATED_SUBJECTS as readonly string[]).includes(subject)) {
    throw usageError(`--subject must be one of ${SIMULATED_SUBJECTS.join(', ')} (got ${JSON.stringify(values.subject)}); the simulation drives the reference clients and raw mqtt.js`);
  }
  if (isMqtt(subject) && values.timeout !== undefined) throw usageError(`--timeout does not apply to --subject ${subject}: mqtt.js declares the link dead 1.5 x keepalive after the last ack`);
  if (values.out !== undefined && !values.simulate) throw usageError('--out writes the simulation results; add --simulate');
  if (values.hold !== undefined && !values.simulate) throw usageError('--hold is part of the simulation; add --simulate');
  if (values.networks !== undefined && values.profile !== undefined) throw usageError('--networks and --profile are the same option; give one');
  const replyTimeoutMs = positive(values.timeout ?? '10s', '--timeout');
  const margin = parseTolerance(values.margin);
  if (margin === undefined || margin >= 1) throw usageError(`--margin must be a percentage from 0% to under 100%, like 20% (got ${JSON.stringify(values.margin)})`);
  const profiles = chooseProfiles(values.networks ?? values.profile, values.nat);
  const recommendation = recommendHeartbeat(profiles, (h) => replyTimeoutFor(subject, h, replyTimeoutMs), margin);
  const given = values.heartbeat === undefined ? undefined : list(values.heartbeat).map((h) => positive(h, '--heartbeat'));
  if (given && given.length === 0) throw usageError('--heartbeat needs at least one interval, e.g. --heartbeat 3m');
  if (given && isMqtt(subject)) {
    const fractional = given.find((h) => h % 1000 !== 0);
    if (fractional !== undefined) throw usageError(`--heartbeat ${formatMs(fractional)}: an MQTT keepalive is whole seconds`);
  }
  return {
    heartbeatsMs: [...new Set(given ?? [recommendation.heartbeatMs])].sort((a, b) => a - b),
    replyTimeoutMs,
    profiles,
    margin,
    recommendation,
    simulate: values.simulate,
    subject,
    holdMs: values.simulate ? (values.hold === undefined ? 24 * 3_600_000 : nonNegative(values.hold, '--hold')) : 0,
    seed: integerOption(values.seed, '--seed', 0, 2 ** 32 - 1),
    out: values.out,
  };
}

/** --networks picks built-in profiles (all of them when neither option is given); --nat adds networks of one's own. */
function chooseProfiles(networks: string | undefined, nat: string | undefined): NatProfile[] {
  const custom = nat === undefined ? [] : list(nat).map((t) => customProfile(positive(t, '--nat')));
  if (nat !== undefined && custom.length === 0) throw usageError('--nat needs at least one idle timeout, e.g. --nat 4m30s');
  const builtIn = networks === undefined ? (custom.length ? [] : [...NAT_PROFILES]) : list(networks).map((id) => findProfile(id));
  if (networks !== undefined && builtIn.length === 0) throw usageError('--networks needs at least one profile id, e.g. --networks cn-mobile-unicom');
  return [...builtIn, ...custom];
}

export const run: Command['run'] = async (argv, io) => {
  const args = parseNatArgs(argv);
  const advice = `${thinWarnings(args)}${recommendationText(args)}`;
  if (!args.simulate) {
    io.stdout.write(`${args.heartbeatsMs.map((h) => natTable(args, h)).join('\n\n')}\n\n${FOOTNOTE}\n\n${advice}`);
    return 0;
  }
  const { simulateNat } = await import('../nat/simulate.ts');
  const cells = args.heartbeatsMs.length * args.profiles.length;
  const holds = args.holdMs ? ` and a ${formatMs(args.holdMs)} hold per heartbeat x network it keeps` : '';
  io.stderr.write(`simulating ${args.heartbeatsMs.length} heartbeat(s) x ${args.profiles.length} NAT profile(s) (${2 * cells} runs${holds}, subject ${args.subject}) in virtual time\n`);
  const simulation = await simulateNat(args);
  io.stdout.write(`${args.heartbeatsMs.map((h) => natTable(args, h, simulation.cells)).join('\n\n')}\n\n${FOOTNOTE}\n\n${simulationSummary(simulation)}\n\n${advice}`);
  if (args.out) {
    fs.mkdirSync(args.out, { recursive: true });
    for (const [file, text] of [['results.json', renderJson(simulation.results)], ['index.html', renderHtml(simulation.results)]] as const) {
      fs.writeFileSync(path.join(args.out, file), text);
      io.stdout.write(`wrote ${path.join(args.out, file)}\n`);
    }
  }
  return simulation.cells.some((c) => c.disagreements.length) || simulation.holds.some((h) => h.broke.length) ? 1 : 0;
};

const FOOTNOTE =
  'keeps alive: the heartbeat is shorter than the idle timeout; "picked up": it is not, but the NAT re-creates the mapping on\n' +
  'the same port when the client next sends (Linux\'s loose conntrack), so the connection goes on. margin: idle timeout minus heartbeat.\n' +
  'noticed within: worst case from the last traffic before the mapping is lost to the client declaring the link dead.';

/** What the client's next packet meets after expiry (harness/sim/nat-outcome.ts), in a table cell. */
const OUTCOME_WORDS: Record<InsideFirst, string> = {
  pickup: 'picked up, port kept',
  'pickup-new-port': 'new port, RST from the server',
  'reset-by-nat': 'RST from the NAT',
  dropped: 'silent drop',
  leaked: 'leaked, no answer',
};

/** One table per heartbeat: a row per profile, shortest idle timeout first; with simulated cells, what happened too. */
export function natTable(args: Pick<NatArgs, 'replyTimeoutMs' | 'profiles' | 'subject' | 'margin'>, heartbeatMs: number, cells?: readonly NatCell[]): string {
  const header = ['profile', 'idle timeout', 'keeps alive', 'margin', 'noticed within', ...(cells ? ['simulated', 'noticed after', 'agrees'] : [])];
  const profiles = [...args.profiles].sort((a, b) => a.idleTimeoutMs - b.idleTimeoutMs);
  const rows = profiles.map((profile) => {
    const c = compareHeartbeat({ intervalMs: heartbeatMs, replyTimeoutMs: replyTimeoutFor(args.subject, heartbeatMs, args.replyTimeoutMs) }, profile);
    const thin = c.keepsAlive && c.marginMs < args.margin * profile.idleTimeoutMs;
    const keeps = c.keepsAlive ? (c.marginMs <= 0 ? 'picked up' : thin ? 'yes, thin' : 'yes') : 'NO';
    const arithmetic = [profile.id, formatMs(profile.idleTimeoutMs), keeps, formatMs(c.marginMs), `${c.detectionMs === null ? 'nothing to notice' : formatMs(c.detectionMs)} (${OUTCOME_WORDS[c.outcome]})`];
    if (!cells) return arithmetic;
    const cell = cells.find((x) => x.heartbeatMs === heartbeatMs && x.nat === profile.id);
    return [...arithmetic, ...simulatedColumns(cell)];
  });
  const reply = isMqtt(args.subject) ? `MQTT keepalive ${heartbeatMs / 1000} (dead at 1.5 x keepalive)` : `reply within ${formatMs(args.replyTimeoutMs)}`;
  return `Heartbeat ${formatMs(heartbeatMs)}, ${reply}\n\n${formatTable(header, rows)}`;
}

function simulatedColumns(cell: NatCell | undefined): string[] {
  if (!cell) return ['-', '-', '-'];
  const outcome = cell.survived === null ? 'unknown' : cell.survived ? 'kept alive' : 'broke';
  const noticed = cell.detectionMs !== null ? formatMs(cell.detectionMs) : cell.undetected ? 'never' : '-';
  return [outcome, noticed, cell.disagreements.length ? 'NO (finding)' : 'yes'];
}

function simulationSummary({ cells, results, holds }: NatSimulation): string {
  const s = results.summary;
  const lines = [`simulated ${cells.length} cells in ${s.total} runs: ${formatMs(s.virtualMs)} of virtual time in ${(s.wallMs / 1000).toFixed(1)} s`];
  for (const hold of holds) {
    const where = `heartbeat ${formatMs(hold.heartbeatMs)} held ${formatMs(hold.holdMs)} behind ${hold.profiles.join(', ')}`;
    if (hold.profiles.length === 0) lines.push(`heartbeat ${formatMs(hold.heartbeatMs)}: no network it is predicted to keep, nothing to hold`);
    else if (hold.broke.length === 0) lines.push(`${where}: every mapping kept`);
    else lines.push(`FINDING  ${where}: broke behind ${hold.broke.join(', ')}`);
  }
  const disagreeing = cells.filter((c) => c.disagreements.length);
  if (!disagreeing.length) return [...lines, 'every cell agrees with the arithmetic'].join('\n');
  for (const cell of disagreeing) {
    const replay = results.runs.find((r) => r.id === cell.runs[0])?.replay;
    lines.push(`FINDING  heartbeat ${formatMs(cell.heartbeatMs)} x ${cell.nat}: ${cell.disagreements.join('; ')}`);
    if (replay) lines.push(`         replay: ${replay}`);
  }
  lines.push(`${disagreeing.length} of ${cells.length} cells disagree with the arithmetic`);
  return lines.join('\n');
}

/** "WARNING" lines for heartbeats that keep a mapping with less than the margin. */
function thinWarnings(args: NatArgs): string {
  const lines = args.heartbeatsMs.flatMap((h) =>
    thinMargins(h, args.profiles, args.margin).map(
      ({ profile, marginMs }) =>
        `WARNING  thin margin: heartbeat ${formatMs(h)} leaves ${formatMs(marginMs)} (${percent(marginMs / profile.idleTimeoutMs)}) under the ${profile.id} idle timeout ${formatMs(profile.idleTimeoutMs)}; want at least ${percent(args.margin)}: phones fire timers late in the background and carriers' timers vary`,
    ),
  );
  return lines.length ? `${lines.join('\n')}\n\n` : '';
}

/** The heartbeat to choose for the chosen networks, its margin, and what it costs. */
export function recommendationText(args: Pick<NatArgs, 'recommendation' | 'profiles' | 'subject'>): string {
  const r = args.recommendation;
  const others = r.margins.filter((m) => m.profile !== r.tightest).map((m) => `${formatMs(m.marginMs)} behind ${m.profile.id}`);
  const c = r.cost;
  const mqtt = isMqtt(args.subject) ? ` (MQTT keepalive ${r.heartbeatMs / 1000})` : '';
  return [
    `Recommended heartbeat for ${args.profiles.length > 4 ? `these ${args.profiles.length} networks` : args.profiles.map((p) => p.id).join(', ')}: ${formatMs(r.heartbeatMs)}${mqtt}`,
    `  sized for ${r.tightest.id} (idle timeout ${formatMs(r.tightest.idleTimeoutMs)}) with a ${percent(r.margin)} margin: ${formatMs(r.tightest.idleTimeoutMs - r.heartbeatMs)} to spare there${others.length > 3 ? `, more behind the ${others.length} others` : others.map((o) => `, ${o}`).join('')}`,
    r.detectionMs === null ? '  a lost mapping needs no noticing: every network here picks the connection up on the same port' : `  a lost mapping is noticed within ${formatMs(r.detectionMs)}`,
    `  cost: ${round(c.heartbeatsPerHour)} heartbeats an hour (${round(c.heartbeatsPerDay)} a day); on an idle phone each wakes the radio: ${round(c.wakeupsPerHour)} wake-ups an hour, about ${formatMs(Math.round(c.radioOnMsPerHour / 1000) * 1000)} of LTE radio-on time (11.6 s tail each)`,
    '',
  ].join('\n');
}

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;
const round = (n: number) => String(Math.round(n * 10) / 10);

function nonNegative(text: string, flag: string): number {
  try {
    return toMs(text, flag);
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function positive(text: string, flag: string): number {
  let ms: number;
  try {
    ms = toMs(text, flag);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (ms <= 0) throw usageError(`${flag} must be longer than 0 (got ${JSON.stringify(text)})`);
  // Each is a timer in the simulation (a heartbeat, its reply timeout, a NAT's idle timeout); a longer one would fire at once, over and over.
  if (ms > TIMER_MAX_MS) throw usageError(`${flag} must be at most ${TIMER_MAX_MS} ms (about 24.8 days, the longest a timer can wait; got ${JSON.stringify(text)})`);
  return ms;
}
