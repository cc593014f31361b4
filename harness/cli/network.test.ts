import { describe, expect, it } from 'vitest';
import { cliTestTimeout, flatlineRun as flatline } from '../../test/support/flatline-cli.ts';

describe('flatline run --network', { timeout: cliTestTimeout(2) }, () => {
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
