import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NatCell } from '../nat/cells.ts';
import { compareHeartbeat } from '../nat/compare.ts';
import { findProfile } from '../nat/profiles.ts';
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
      'aws-alb            1m            NO           -2m       3m (RST both ends)',
      'azure-lb           4m            yes          1m        3m10s (silent drop)',
    ]);
    expect(r.out).toContain('\ncn-mobile-unicom   5m            yes          2m        3m10s (silent drop)\n');
    expect(r.out).toContain('\nlinux-conntrack    5d            yes          4d23h57m  3m10s (silent drop)\n');
    expect(lines.filter((l) => /^[a-z0-9-]+ +\d/.test(l))).toHaveLength(11);
  });

  it('makes a table per heartbeat, for the profiles asked for', async () => {
    const r = await nat('--heartbeat', '6m, 3m', '--timeout', '20s', '--profile', 'aws-nat-gateway');
    expect(r.out).toMatch(/^Heartbeat 3m, reply within 20s\n[\s\S]*aws-nat-gateway  5m50s         yes          2m50s   3m \(RST to the client\)\n\nHeartbeat 6m, reply within 20s\n/);
    expect(r.out).toContain('aws-nat-gateway  5m50s         NO           -10s    6m (RST to the client)');
  });

  it('--simulate: a 3m heartbeat behind the 5-minute carrier NAT keeps the mapping and notices a loss in 3m10s, as predicted', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-nat-'));
    const r = await nat('--simulate', '--heartbeat', '3m', '--timeout', '10s', '--profile', 'cn-mobile-unicom', '--out', out);
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
    const simulation: NatSimulation = { cells: [cell], results: { flatline: '0.1.0', seed: 1, summary: summarize(runs, 1), runs } };
    vi.doMock('../nat/simulate.ts', () => ({ simulateNat: async () => simulation }));
    const r = await nat('--simulate', '--profile', 'cn-mobile-unicom');
    expect(r.code).toBe(1);
    expect(r.out).toContain('cn-mobile-unicom  5m            yes          2m      3m10s (silent drop)  broke      3m10s          NO (finding)\n');
    expect(r.out).toContain(
      'FINDING  heartbeat 3m x cn-mobile-unicom: predicted the mapping stays alive, but the connection broke\n' +
        '         replay: flatline nat --simulate --profile cn-mobile-unicom\n' +
        '1 of 1 cells disagree with the arithmetic\n',
    );
  });

  it.each([
    [['--heartbeat', '0s'], /--heartbeat must be longer than 0 \(got "0s"\)/],
    [['--heartbeat', 'often'], /--heartbeat: "often" is not a duration/],
    [['--timeout=-1s'], /--timeout: "-1s" is not a duration/],
    [['--profile', 'cn-mobile'], /unknown NAT profile "cn-mobile"; known profiles: cn-mobile-unicom, /],
    [['--simulate', '--subject', 'mqtt'], /--subject must be tcp or ws \(got "mqtt"\)/],
    [['--out', 'x'], /--out writes the simulation results; add --simulate/],
  ])('usage error %j: a clear message and exit 2', async (args, message) => {
    const r = await nat(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/Run "flatline nat --help" for usage\.\n$/);
  });
});
