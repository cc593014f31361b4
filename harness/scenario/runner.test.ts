import { afterEach, describe, expect, it } from 'vitest';
import { planRuns } from './loader.ts';
import { runScenario } from './runner.ts';
import type { Scenario } from './scenario.ts';
import { findSubject, registerSubject } from './subjects.ts';
import { runSuite } from './suite.ts';
import { TcpServer } from '../servers/tcp-server.ts';
import { createTcpClient } from '../clients/tcp-client.ts';
import net from 'node:net';
import { Aedes } from 'aedes';
import { realTimers } from '../clock/clock.ts';
import { registerNeverStarts } from '../../test/support/never-starts.ts';

const base: Scenario = {
  name: 'base',
  subject: { kind: 'tcp' },
  timeline: [{ at: 0, do: 'connect' }],
  checks: [{ check: 'keepalive', window: '10m' }],
  horizon: '15m',
};

const run = (scenario: Partial<Scenario> | Record<string, unknown>, wallLimitMs?: number) =>
  runScenario({ ...base, ...scenario } as Scenario, { seed: 1, file: 'inline.scenario.ts', wallLimitMs });

/** Sockets open in this process right now: every run must leave none behind. */
const openSockets = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().filter((h) => h instanceof net.Socket && !(h as net.Socket).destroyed && (h as net.Socket).remotePort !== undefined);

afterEach(() => {
  expect(openSockets()).toHaveLength(0);
});

describe('runScenario', () => {
  it('judges a run and gives the numbers', async () => {
    const result = await run({});
    expect(result.status).toBe('pass');
    expect(result.verdicts[0]).toMatchObject({ check: 'keepalive', status: 'pass' });
    expect(result.virtualMs).toBe(15 * 60_000);
    expect(result.replay).toBe('flatline run inline.scenario.ts --filter "base" --seed 1');
    expect(result.trace.some((e) => e.type === 'connected')).toBe(true);
  });

  it.each([
    [{ subject: { kind: 'telnet' } }, /^inline\.scenario\.ts: scenario "base": subject\.kind: unknown subject "telnet"; known subjects: tcp, ws/],
    [{ horizon: '-5m' }, /scenario "base": horizon: must be a duration like "3m".* \(got "-5m"\)/],
    [{ timeline: [{ at: '20m', do: 'connect' }] }, /timeline\[0\]\.at "20m" is after the horizon "15m"/],
    [{ timeline: [{ at: 0, do: 'explode' }] }, /timeline\[0\]\.do: "explode" is not a step \(one of connect, disconnect/],
    [{ checks: [] }, /checks: must list at least one check/],
    [{ subject: { kind: 'tcp', options: { heartbeat: { interval: '-1s' } } } }, /subject\.options\.heartbeat\.interval: must be a duration/],
    [{ timeline: [{ at: '1m', do: 'add-toxic', toxic: { type: 'latency', attributes: { latency: -5 } } }] }, /timeline\[0\]\.toxic\.attributes\.latency: must be a whole number of ms >= 0 \(got -5\)/],
    [{ timeline: [{ at: '1m', do: 'add-toxic', toxic: { type: 'lag' } }] }, /timeline\[0\]\.toxic\.type: "lag" is not a toxic type \(one of latency, bandwidth/],
    [{ timeLimit: 'soon' }, /scenario "base": timeLimit: must be a duration like "3m".* \(got "soon"\)/],
    [{ timeLimit: 0 }, /scenario "base": timeLimit: must be longer than 0 \(got 0\)/],
    [{ timeLimit: '30d' }, /scenario "base": timeLimit: must be at most 2147483647 ms/],
  ])('reports a bad scenario as an error naming what is wrong: %j', async (patch, message) => {
    const result = await run(patch);
    expect(result.status).toBe('error');
    expect(result.error?.message).toMatch(message);
  });

  it('ends a hung run with the watchdog and reports an error, leaving nothing open', async () => {
    registerNeverStarts('test-hang');
    const result = await run({ subject: { kind: 'test-hang' } }, 300);
    expect(result.status).toBe('error');
    expect(result.error?.message).toMatch(/watchdog/);
  });

  it("ends a run at its scenario's own timeLimit, in place of the default", async () => {
    registerNeverStarts('test-hang-limited');
    const result = await run({ subject: { kind: 'test-hang-limited' }, timeLimit: '300ms' });
    expect(result.error?.message).toMatch(/^watchdog: the run took more than 0.3 s of real time; .* or needs a longer timeLimit \(or --time-limit\)/);
  });

  it("gives a run that needs more real time than its scenario's timeLimit the run's own limit (--time-limit)", async () => {
    registerSubject({
      ...findSubject('tcp'),
      kind: 'test-slow-start',
      description: 'the reference TCP server taking 400 ms of real time to start, as a heavy setup would',
      createServer: async (ctx, options) => {
        const server = await findSubject('tcp').createServer(ctx, options);
        const start = server.start.bind(server);
        return Object.assign(server, { start: () => new Promise<void>((resolve) => realTimers.setTimeout(resolve, 400)).then(start) });
      },
    });
    // with the scenario's own 200 ms the watchdog would end it before its server started
    const result = await run({ subject: { kind: 'test-slow-start' }, timeLimit: '200ms' }, 60_000);
    expect(result.status).toBe('pass');
  });

  it('keeps the verdicts of a scaled run through a 1 s pause of the process, and says so in them', async () => {
    registerSubject({
      ...findSubject('tcp'),
      kind: 'test-pauses',
      description: 'the reference TCP client in a process that stops for a second of real time at 45s',
      createClient: (ctx, target, options) => {
        ctx.clock.setTimeout(() => {
          const until = realTimers.performanceNow() + 1000;
          while (realTimers.performanceNow() < until) {
            // the whole process stands still, as when the machine deschedules it
          }
        }, 45_000);
        return createTcpClient(ctx, `${target.host}:${target.port}`, options);
      },
    });
    // heartbeat 30s + 5s under a 1m NAT: a clock that caught up in one jump would fire the ping at 60s and its 65s deadline together
    const scenario = { ...base, subject: { kind: 'test-pauses', options: { heartbeat: { interval: '30s', timeout: '5s' } } }, network: { nat: { timeout: '1m' } }, checks: [{ check: 'keepalive', window: '3m' }], horizon: '3m30s' } as unknown as Scenario;
    const result = await runScenario(scenario, { seed: 1, file: 'inline.scenario.ts', timeScale: 0.01 });
    expect(result.status).toBe('pass');
    expect(result.trace.filter((e) => e.type === 'link.dead')).toEqual([]);
    expect(result.verdicts[0]!.caveats?.[0]).toMatch(/^the process was paused for \d+ ms of real time at 4\ds.*beyond the 40 ms tolerance; the clock skipped it/);
  });

  it('refuses a broker outside this process in virtual time before anything starts, naming it and the remedy', async () => {
    const mqtt = { ...base, subject: { kind: 'mqtt' } } as Scenario;
    const result = await runScenario(mqtt, { seed: 1, file: 'inline.scenario.ts', mqttUrl: 'mqtt://127.0.0.1:1' });
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe('FLATLINE_ERR_EXTERNAL_PEER');
    expect(result.error?.message).toMatch(/^the MQTT broker at mqtt:\/\/127\.0\.0\.1:1 \(--mqtt-url\) lives outside this process and answers on real time/);
    expect(result.error?.message).toMatch(/Run in real time with --time-scale 0\.01, or pass --allow-external-in-virtual-time/);
    expect(result.trace).toEqual([]); // nothing started
    // a subject that does not talk MQTT never meets that broker
    expect((await runScenario(base, { seed: 1, file: 'inline.scenario.ts', mqttUrl: 'mqtt://127.0.0.1:1' })).status).toBe('pass');
  });

  it('counts a server that is a process of its own among the outside parties its verdicts name', async () => {
    registerSubject({
      ...findSubject('tcp'),
      kind: 'test-outside-server',
      description: 'the reference TCP server, saying it is a process of its own (as mosquitto and Prosody do) and let run in virtual time',
      createServer: (ctx) => Object.assign(new TcpServer(ctx), { outside: { what: 'a server process "server"' } }),
    });
    const result = await run({ subject: { kind: 'test-outside-server' } });
    expect(result.status).toBe('pass');
    expect(result.verdicts[0]!.caveats).toEqual(['judged in virtual time against a server process "server", which runs on real time: its own timers were not on the virtual clock']);
  });

  it('runs it in virtual time when opted in, and every verdict says it was judged against a real-time peer', async () => {
    // aedes on a loopback port the world knows only by URL stands in for a broker in another process
    const aedes = await Aedes.createBroker();
    const listener = net.createServer(aedes.handle);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const url = `mqtt://127.0.0.1:${(listener.address() as net.AddressInfo).port}`;
    try {
      const mqtt = { ...base, subject: { kind: 'mqtt' }, checks: [{ check: 'keepalive', window: '10m' }, { check: 'no-false-alarm', from: 0 }] } as Scenario;
      const result = await runScenario(mqtt, { seed: 1, file: 'inline.scenario.ts', mqttUrl: url, allowExternalInVirtualTime: true });
      expect(result.verdicts.map((v) => v.check)).toEqual(['keepalive', 'no-false-alarm']);
      const caveat = `judged in virtual time against the MQTT broker at ${url} (--mqtt-url), which runs on real time: its own timers were not on the virtual clock`;
      for (const v of result.verdicts) {
        expect(v.caveats).toEqual([caveat]);
        expect(v.summary.endsWith(` [${caveat}]`)).toBe(true);
      }
    } finally {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });
});

describe('runSuite', () => {
  it('reports a file that does not load, and still runs the others', async () => {
    const { runs, failures } = await planRuns(['test/fixtures/broken.scenario.ts', 'test/fixtures/finding.scenario.ts']);
    const results = await runSuite(runs, failures, { seed: 1, workers: 1 });
    expect(results.map((r) => r.status)).toEqual(['error', 'finding']);
    expect(results[0]!.error?.message).toMatch(/broken\.scenario\.ts does not load: this fixture is broken on purpose/);
  });

  it('gives byte-identical results for the same seed, in one process or in two workers', async () => {
    const { runs, failures } = await planRuns(['test/fixtures/small.scenario.ts']);
    const stable = (results: unknown) => JSON.stringify(results, (k, v) => (k === 'wallMs' ? 0 : v));
    const first = stable(await runSuite(runs, failures, { seed: 7, workers: 1 }));
    const again = stable(await runSuite(runs, failures, { seed: 7, workers: 1 }));
    const workers = stable(await runSuite(runs, failures, { seed: 7, workers: 2 }));
    const other = stable(await runSuite(runs, failures, { seed: 8, workers: 1 }));
    expect(again).toBe(first);
    expect(workers).toBe(first);
    expect(other).not.toBe(first); // the seed drives the latency jitter
  });
});
