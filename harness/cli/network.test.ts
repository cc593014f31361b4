import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function flatline(...args: string[]) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-network-'));
  const r = spawnSync(process.execPath, ['bin/flatline.mjs', 'run', '--out', out, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('flatline run --network', () => {
  it('runs on the simulated network by default and says so', () => {
    const r = flatline('test/fixtures/finding.scenario.ts');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/virtual time on the simulated network/);
  });

  it('runs on kernel sockets when asked', () => {
    const r = flatline('test/fixtures/finding.scenario.ts', '--network', 'kernel');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/virtual time on kernel sockets/);
  });

  it('refuses an unknown substrate, naming the choices', () => {
    const r = flatline('--network', 'simulated');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--network must be sim or kernel \(got "simulated"\)/);
  });

  it('refuses an MQTT run against --mqtt-url in virtual time (exit 2), and carries --allow-external-in-virtual-time to the worker', () => {
    const args = ['scenarios/nat-idle.scenario.ts', '--filter', 'keeps the connection for 24h', '--subject', 'mqtt', '--mqtt-url', 'mqtt://127.0.0.1:1'];
    const refused = flatline(...args);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/error: the MQTT broker at mqtt:\/\/127\.0\.0\.1:1 \(--mqtt-url\) lives outside this process and answers on real time.*Run in real time with --time-scale 0\.01/);
    const opted = flatline(...args, '--allow-external-in-virtual-time');
    expect(opted.stdout).not.toMatch(/lives outside this process/);
    expect(opted.stdout).toMatch(/cannot reach the MQTT broker at mqtt:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/); // it got as far as dialling
  });

  it('refuses the sim under a party outside the process, and says what to use', () => {
    const r = flatline('--network', 'sim', '--mqtt-url', 'mqtt://127.0.0.1:1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--network sim cannot carry the MQTT broker at mqtt:\/\/127\.0\.0\.1:1 \(--mqtt-url\).*use --network kernel/);
  });
});
