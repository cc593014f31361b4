import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NatCell } from '../nat/cells.ts';
import { compareHeartbeat } from '../nat/compare.ts';
import { findProfile, NAT_PROFILES } from '../nat/profiles.ts';
import type { NatSimulation } from '../nat/simulate.ts';
import { summarize } from '../scenario/results.ts';
import { fakeRun } from '../../test/support/fake-run.ts';
import { captureIo } from './capture-io.ts';
import { main } from './main.ts';

async function nat(...args: string[]) {
  const io = captureIo();
  const code = await main(['nat', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('flatline nat', () => {
  afterEach(() => {
    vi.doUnmock('../nat/simulate.ts');
  });

  it('answers the heartbeat question for every built-in profile, shortest timeout first', async () => {
    const r = await nat('--heartbeat', '3m', '--timeout', '10s');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Heartbeat 3m, reply within 10s',
      '',
      'profile            idle timeout  keeps alive  margin    noticed within',
      'aws-alb            1m            NO           -2m       3m (RST from the NAT)',
      'azure-lb           4m            yes          1m        3m10s (silent drop)',
    ]);
    expect(r.out).toContain('\ncn-mobile-unicom   5m            yes          2m        3m10s (silent drop)\n');
    // Linux's defaults pick a forgotten connection up on the same port; a strict Linux router drops it
    expect(r.out).toContain('\nlinux-conntrack    5d            yes          4d23h57m  nothing to notice (picked up, port kept)\n');
    expect(r.out).toContain('\nlinux-strict       5d            yes          4d23h57m  3m10s (silent drop)\n');
    expect(r.out).toContain('\ncarrier-grade      5m            yes          2m        3m (new port, RST from the server)\n');
    expect(lines.filter((l) => /^[a-z0-9-]+ +\d/.test(l))).toHaveLength(NAT_PROFILES.length);
  });

  it('makes a table per heartbeat, for the profiles asked for', async () => {
    const r = await nat('--heartbeat', '6m, 3m', '--timeout', '20s', '--profile', 'aws-nat-gateway');
    expect(r.out).toMatch(/^Heartbeat 3m, reply within 20s\n[\s\S]*aws-nat-gateway  5m50s         yes          2m50s   3m \(RST from the NAT\)\n\nHeartbeat 6m, reply within 20s\n/);
    expect(r.out).toContain('aws-nat-gateway  5m50s         NO           -10s    6m (RST from the NAT)');
  });

  it('--simulate: a 3m heartbeat behind the 5-minute carrier NAT keeps the mapping and notices a loss in 3m10s, as predicted', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-nat-'));
    const r = await nat('--simulate', '--heartbeat', '3m', '--timeout', '10s', '--profile', 'cn-mobile-unicom', '--hold', '0', '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toBe('simulating 1 heartbeat(s) x 1 NAT profile(s) (2 runs, subject tcp) in virtual time\n');
    expect(r.out).toContain(
      'profile           idle timeout  keeps alive  margin  noticed within       simulated   noticed after  agrees\n' +
        'cn-mobile-unicom  5m            yes          2m      3m10s (silent drop)  kept alive  3m10s          yes\n',
    );
    expect(r.out).toMatch(/simulated 1 cells in 2 runs: 21m31s of virtual time in \d+\.\d s\nevery cell agrees with the arithmetic\n/);
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.runs.map((run: { cell: unknown }) => run.cell)).toEqual([
      { heartbeat: '3m', timeout: '10s', nat: 'cn-mobile-unicom', subject: 'tcp', probe: 'keepalive' },
      { heartbeat: '3m', timeout: '10s', nat: 'cn-mobile-unicom', subject: 'tcp', probe: 'detection' },
    ]);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(r.out).toContain(`wrote ${path.join(out, 'index.html')}\n`);
  });

  it('flags a cell where the simulation disagrees with the arithmetic as a finding, and exits 1', async () => {
    const profile = findProfile('cn-mobile-unicom');
    const cell: NatCell = {
      heartbeatMs: 180_000,
      replyTimeoutMs: 10_000,
      nat: profile.id,
      natTimeoutMs: profile.idleTimeoutMs,
      survived: false,
      detectionMs: 190_000,
      undetected: false,
      predicted: compareHeartbeat({ intervalMs: 180_000, replyTimeoutMs: 10_000 }, profile),
      disagreements: ['predicted the mapping stays alive, but the connection broke'],
      runs: ['k'],
    };
    const runs = [fakeRun({ id: 'k', replay: 'flatline nat --simulate --profile cn-mobile-unicom' })];
    const simulation: NatSimulation = { cells: [cell], holds: [], results: { flatline: '0.1.0', seed: 1, summary: summarize(runs, 1), runs } };
    vi.doMock('../nat/simulate.ts', () => ({ simulateNat: async () => simulation }));
    const r = await nat('--simulate', '--heartbeat', '3m', '--profile', 'cn-mobile-unicom');
    expect(r.code).toBe(1);
    expect(r.out).toContain('cn-mobile-unicom  5m            yes          2m      3m10s (silent drop)  broke      3m10s          NO (finding)\n');
    expect(r.out).toContain(
      'FINDING  heartbeat 3m x cn-mobile-unicom: predicted the mapping stays alive, but the connection broke\n' +
        '         replay: flatline nat --simulate --profile cn-mobile-unicom\n' +
        '1 of 1 cells disagree with the arithmetic\n',
    );
  });

  it('recommends a heartbeat for the chosen networks, with its margin and cost, and a day of simulation confirms it', async () => {
    const advice = await nat('--networks', 'cn-mobile-unicom,aws-nat-gateway');
    expect(advice.code).toBe(0);
    expect(advice.out).toMatch(/^Heartbeat 4m, reply within 10s\n/);
    expect(advice.out).toContain(
      'Recommended heartbeat for cn-mobile-unicom, aws-nat-gateway: 4m\n' +
        '  sized for cn-mobile-unicom (idle timeout 5m) with a 20% margin: 1m to spare there, 1m50s behind aws-nat-gateway\n' +
        '  a lost mapping is noticed within 4m10s\n' +
        '  cost: 15 heartbeats an hour (360 a day); on an idle phone each wakes the radio: 15 wake-ups an hour, about 2m54s of LTE radio-on time (11.6 s tail each)\n',
    );
    const recommended = /Recommended heartbeat for [^:]+: (\S+)/.exec(advice.out)![1]!;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-nat-hold-'));
    const sim = await nat('--networks', 'cn-mobile-unicom,aws-nat-gateway', '--simulate', '--heartbeat', recommended, '--out', out);
    expect(sim.code).toBe(0);
    expect(sim.out).toContain('heartbeat 4m held 1d behind cn-mobile-unicom, aws-nat-gateway: every mapping kept\n');
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    const holds = results.runs.filter((r: { cell: { probe: string } }) => r.cell.probe === 'hold');
    expect(holds.map((r: { cell: { nat: string }; status: string; verdicts: { bound: unknown }[] }) => [r.cell.nat, r.status, r.verdicts[0]!.bound])).toEqual([
      ['cn-mobile-unicom', 'pass', { windowMs: 86_400_000, natTimeoutMs: 300_000 }],
      ['aws-nat-gateway', 'pass', { windowMs: 86_400_000, natTimeoutMs: 350_000 }],
    ]);
  });

  it('warns about a thin margin instead of a plain yes, and takes networks of its own', async () => {
    const r = await nat('--networks', 'cn-mobile-unicom', '--nat', '10m', '--heartbeat', '4m30s');
    expect(r.out).toContain('cn-mobile-unicom  5m            yes, thin    30s     4m40s (silent drop)\n');
    expect(r.out).toContain('10m               10m           yes          5m30s   4m40s (silent drop)\n');
    expect(r.out).toContain(
      "WARNING  thin margin: heartbeat 4m30s leaves 30s (10%) under the cn-mobile-unicom idle timeout 5m; want at least 20%: phones fire timers late in the background and carriers' timers vary\n",
    );
    expect(r.out).toContain('Recommended heartbeat for cn-mobile-unicom, 10m: 4m\n');
    expect((await nat('--networks', 'cn-mobile-unicom', '--heartbeat', '4m30s', '--margin', '5%')).out).not.toContain('WARNING');
  });

  it('--simulate drives MQTT subjects by their keepalive, dead at 1.5 x keepalive', async () => {
    const r = await nat('--simulate', '--subject', 'mqtt', '--networks', 'cn-mobile-unicom', '--heartbeat', '4m', '--hold', '0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Heartbeat 4m, MQTT keepalive 240 (dead at 1.5 x keepalive)\n');
    expect(r.out).toContain('cn-mobile-unicom  5m            yes          1m      6m (silent drop)  kept alive  6m             yes\n');
  });

  it.each([
    [['--networks', 'cn-mobile-unicom', '--profile', 'aws-alb'], /--networks and --profile are the same option; give one/],
    [['--nat', 'soon'], /--nat: "soon" is not a duration/],
    [['--margin', '120%'], /--margin must be a percentage from 0% to under 100%, like 20% \(got "120%"\)/],
    [['--hold', '24h'], /--hold is part of the simulation; add --simulate/],
    [['--subject', 'mqtt', '--timeout', '5s'], /--timeout does not apply to --subject mqtt: mqtt.js declares the link dead 1.5 x keepalive/],
    [['--subject', 'mqttjs', '--heartbeat', '4m30.5s'], /--heartbeat 4m30s500ms: an MQTT keepalive is whole seconds/],
    [['--nat', '30d', '--simulate'], /--nat must be at most 2147483647 ms \(about 24.8 days, the longest a timer can wait; got "30d"\)/],
    [['--heartbeat', '30d', '--simulate'], /--heartbeat must be at most 2147483647 ms/],
    [['--timeout', '25d'], /--timeout must be at most 2147483647 ms/],
    [['--nat', '1s'], /leaves no heartbeat of a second or more/],
  ])('usage error %j', async (args, message) => {
    const r = await nat(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it.each([
    [['--heartbeat', '0s'], /--heartbeat must be longer than 0 \(got "0s"\)/],
    [['--heartbeat', 'often'], /--heartbeat: "often" is not a duration/],
    [['--timeout=-1s'], /--timeout: "-1s" is not a duration/],
    [['--profile', 'cn-mobile'], /unknown NAT profile "cn-mobile"; known profiles: cn-mobile-unicom, /],
    [['--simulate', '--subject', 'xmpp'], /--subject must be one of tcp, ws, mqtt, mqttjs \(got "xmpp"\)/],
    [['--out', 'x'], /--out writes the simulation results; add --simulate/],
  ])('usage error %j: a clear message and exit 2', async (args, message) => {
    const r = await nat(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/Run "flatline nat --help" for usage\.\n$/);
  });
});
