import fs from 'node:fs';
import path from 'node:path';
import type { NatCell } from '../nat/cells.ts';
import { compareHeartbeat } from '../nat/compare.ts';
import { findProfile, NAT_PROFILES, type NatExpiry, type NatProfile } from '../nat/profiles.ts';
import type { NatSimulation, SimulatedSubject } from '../nat/simulate.ts';
import { renderJson } from '../report/json.ts';
import { renderHtml } from '../report/html/render.ts';
import { formatMs, toMs } from '../util/duration.ts';
import { integerOption, parseOptions } from './args.ts';
import { usageError, type Command } from './command.ts';
import { formatTable } from './table.ts';

export const usage = `Usage: flatline nat [--heartbeat 3m[,6m...]] [--timeout 10s] [--subject tcp|ws] [--profile ID[,ID...]]
                   [--simulate] [--seed N] [--out DIR]

Is the heartbeat short enough for the NATs your users sit behind? One row per NAT profile (published
idle timeouts, sources in harness/nat/profiles.ts): does the heartbeat keep the mapping alive, with
what margin, and how long until a lost mapping is noticed in the worst case.

Options:
  --heartbeat LIST  heartbeat interval H, or several comma-separated (default 3m)
  --timeout DUR     how long the client waits for a heartbeat reply, T (default 10s)
  --profile LIST    only these NAT profiles (default: every one)
  --simulate        also run each heartbeat x profile in virtual time through the runner (the
                    reference client behind a nat_idle toxic playing the profile): an idle window
                    of 3 x the longer of the NAT timeout and H + T, and the worst-case detection;
                    print what happened next to the arithmetic
  --subject KIND    the client simulated: tcp or ws (default tcp)
  --seed N          seed for the simulation (default 1)
  --out DIR         with --simulate: write DIR/results.json and the HTML report DIR/index.html
  -h, --help        show this help

Exit codes: 0 done (with --simulate: every cell agrees with the arithmetic), 1 a simulated cell
disagrees with the arithmetic (a finding: the model or the harness is wrong somewhere), 2 a usage error.`;

/** Everything `flatline nat` takes from its command line, checked. */
export interface NatArgs {
  heartbeatsMs: number[];
  replyTimeoutMs: number;
  profiles: NatProfile[];
  simulate: boolean;
  subject: SimulatedSubject;
  seed: number;
  out?: string;
}

export function parseNatArgs(argv: string[]): NatArgs {
  const values = parseOptions(argv, {
    heartbeat: { type: 'string', default: '3m' },
    timeout: { type: 'string', default: '10s' },
    profile: { type: 'string' },
    simulate: { type: 'boolean', default: false },
    subject: { type: 'string', default: 'tcp' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  });
  const heartbeatsMs = list(values.heartbeat).map((h) => positive(h, '--heartbeat'));
  if (heartbeatsMs.length === 0) throw usageError('--heartbeat needs at least one interval, e.g. --heartbeat 3m');
  const subject = values.subject;
  if (subject !== 'tcp' && subject !== 'ws') throw usageError(`--subject must be tcp or ws (got ${JSON.stringify(subject)}); the simulation drives the reference clients`);
  if (values.out !== undefined && !values.simulate) throw usageError('--out writes the simulation results; add --simulate');
  return {
    heartbeatsMs: [...new Set(heartbeatsMs)].sort((a, b) => a - b),
    replyTimeoutMs: positive(values.timeout, '--timeout'),
    profiles: values.profile === undefined ? [...NAT_PROFILES] : list(values.profile).map((id) => findProfile(id)),
    simulate: values.simulate,
    subject,
    seed: integerOption(values.seed, '--seed', 0, 2 ** 32 - 1),
    out: values.out,
  };
}

export const run: Command['run'] = async (argv, io) => {
  const args = parseNatArgs(argv);
  if (!args.simulate) {
    io.stdout.write(`${args.heartbeatsMs.map((h) => natTable(args, h)).join('\n\n')}\n\n${FOOTNOTE}\n`);
    return 0;
  }
  const { simulateNat } = await import('../nat/simulate.ts');
  const runs = 2 * args.heartbeatsMs.length * args.profiles.length;
  io.stderr.write(`simulating ${args.heartbeatsMs.length} heartbeat(s) x ${args.profiles.length} NAT profile(s) (${runs} runs, subject ${args.subject}) in virtual time\n`);
  const simulation = await simulateNat(args);
  io.stdout.write(`${args.heartbeatsMs.map((h) => natTable(args, h, simulation.cells)).join('\n\n')}\n\n${FOOTNOTE}\n\n${simulationSummary(simulation)}\n`);
  if (args.out) {
    fs.mkdirSync(args.out, { recursive: true });
    for (const [file, text] of [['results.json', renderJson(simulation.results)], ['index.html', renderHtml(simulation.results)]] as const) {
      fs.writeFileSync(path.join(args.out, file), text);
      io.stdout.write(`wrote ${path.join(args.out, file)}\n`);
    }
  }
  return simulation.cells.some((c) => c.disagreements.length) ? 1 : 0;
};

const FOOTNOTE =
  'keeps alive: the heartbeat is shorter than the idle timeout. margin: idle timeout minus heartbeat.\n' +
  'noticed within: worst case from the last traffic before the mapping is lost to the client declaring the link dead.';

const EXPIRY_WORDS: Record<NatExpiry, string> = { drop: 'silent drop', reset: 'RST to the client', reset_both: 'RST both ends' };

/** One table per heartbeat: a row per profile, shortest idle timeout first; with simulated cells, what happened too. */
export function natTable(args: Pick<NatArgs, 'replyTimeoutMs' | 'profiles'>, heartbeatMs: number, cells?: readonly NatCell[]): string {
  const header = ['profile', 'idle timeout', 'keeps alive', 'margin', 'noticed within', ...(cells ? ['simulated', 'noticed after', 'agrees'] : [])];
  const profiles = [...args.profiles].sort((a, b) => a.idleTimeoutMs - b.idleTimeoutMs);
  const rows = profiles.map((profile) => {
    const c = compareHeartbeat({ intervalMs: heartbeatMs, replyTimeoutMs: args.replyTimeoutMs }, profile);
    const arithmetic = [profile.id, formatMs(profile.idleTimeoutMs), c.keepsAlive ? 'yes' : 'NO', formatMs(c.marginMs), `${formatMs(c.detectionMs)} (${EXPIRY_WORDS[profile.onExpiry]})`];
    if (!cells) return arithmetic;
    const cell = cells.find((x) => x.heartbeatMs === heartbeatMs && x.nat === profile.id);
    return [...arithmetic, ...simulatedColumns(cell)];
  });
  return `Heartbeat ${formatMs(heartbeatMs)}, reply within ${formatMs(args.replyTimeoutMs)}\n\n${formatTable(header, rows)}`;
}

function simulatedColumns(cell: NatCell | undefined): string[] {
  if (!cell) return ['-', '-', '-'];
  const outcome = cell.survived === null ? 'unknown' : cell.survived ? 'kept alive' : 'broke';
  const noticed = cell.detectionMs !== null ? formatMs(cell.detectionMs) : cell.undetected ? 'never' : '-';
  return [outcome, noticed, cell.disagreements.length ? 'NO (finding)' : 'yes'];
}

function simulationSummary({ cells, results }: NatSimulation): string {
  const s = results.summary;
  const lines = [`simulated ${cells.length} cells in ${s.total} runs: ${formatMs(s.virtualMs)} of virtual time in ${(s.wallMs / 1000).toFixed(1)} s`];
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
  return ms;
}
