import { describe, expect, it } from 'vitest';
import type { Scenario } from './scenario.ts';
import { validateScenario } from './validate.ts';
import '../subjects/index.ts';
import { registerToxic } from '../net/toxics/index.ts';
import { passThrough, only } from '../net/toxic.ts';

const FILE = 'bad.scenario.ts';

const base = {
  name: 'base',
  subject: { kind: 'tcp' },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '1m', do: 'send', count: 3 },
  ],
  checks: [{ check: 'keepalive', window: '10m' }],
  horizon: '15m',
} as Record<string, unknown>;

/** The base scenario with `patch` applied: top-level keys replaced, `undefined` deleting one. */
function bad(patch: Record<string, unknown>): Scenario {
  const scenario: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete scenario[key];
    else scenario[key] = value;
  }
  return scenario as unknown as Scenario;
}
const subject = (kind: string, options: Record<string, unknown>) => ({ subject: { kind, options } });
const step = (s: Record<string, unknown>) => ({ timeline: [{ at: 0, do: 'connect' }, { at: '1m', ...s }] });
const toxic = (t: Record<string, unknown>) => step({ do: 'add-toxic', toxic: t });
const check = (c: Record<string, unknown>) => ({ checks: [c] });

function messageOf(scenario: Scenario): string {
  try {
    validateScenario(scenario, FILE);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the scenario was accepted');
}

/**
 * Mistakes that used to pass silently or crash the run: each must name the file, the field's path
 * and the name that was meant.
 */
const TYPOS: [what: string, scenario: Scenario, path: string, meant: string][] = [
  ['a misspelt top-level key', bad({ horizn: '15m', horizon: undefined }), 'horizn', 'horizon'],
  ['timeline misspelt', bad({ timelin: [], timeline: undefined }), 'timelin', 'timeline'],
  ['check for checks', bad({ check: [], checks: undefined }), 'check', 'checks'],
  ['seed misspelt', bad({ seeed: 3 }), 'seeed', 'seed'],
  ['description misspelt', bad({ descripton: 'x' }), 'descripton', 'description'],
  ['subject kind key misspelt', bad({ subject: { knd: 'tcp' } }), 'subject.knd', 'kind'],
  ['subject options key misspelt', bad({ subject: { kind: 'tcp', option: {} } }), 'subject.option', 'options'],
  ['subject kind misspelt', bad(subject('tpc', {})), 'subject.kind', 'tcp'],
  ['mqttjs misspelt', bad(subject('mqtjs', {})), 'subject.kind', 'mqttjs'],
  ['heartBeat', bad(subject('tcp', { heartBeat: { interval: '1m' } })), 'subject.options.heartBeat', 'heartbeat'],
  ['heartbeet', bad(subject('ws', { heartbeet: { interval: '1m' } })), 'subject.options.heartbeet', 'heartbeat'],
  ['heartbeat interval misspelt', bad(subject('tcp', { heartbeat: { intervl: '1m' } })), 'subject.options.heartbeat.intervl', 'interval'],
  ['idle basis word misspelt', bad(subject('tcp', { heartbeat: { idleBasis: 'recieved' } })), 'subject.options.heartbeat.idleBasis', 'received'],
  ['backoff jitter key misspelt', bad(subject('tcp', { backoff: { jiter: 'full' } })), 'subject.options.backoff.jiter', 'jitter'],
  ['jitter word misspelt', bad(subject('tcp', { backoff: { jitter: 'ful' } })), 'subject.options.backoff.jitter', 'full'],
  ['outbox guarantee misspelt', bad(subject('tcp', { outbox: { guarantee: 'at-least-one' } })), 'subject.options.outbox.guarantee', 'at-least-once'],
  ['connectTimeout misspelt', bad(subject('tcp', { connectTimout: '5s' })), 'subject.options.connectTimout', 'connectTimeout'],
  ['mqtt keepAlive', bad(subject('mqtt', { keepAlive: '1m' })), 'subject.options.keepAlive', 'keepalive'],
  ['mqttjs reconnectPeriod misspelt', bad(subject('mqttjs', { reconectPeriod: 5000 })), 'subject.options.reconectPeriod', 'reconnectPeriod'],
  ['mqttjs clean misspelt', bad(subject('mqttjs', { cleen: false })), 'subject.options.cleen', 'clean'],
  ['rws option misspelt', bad(subject('rws', { maxReconnectionDelay: 8000, minReconectionDelay: 500 })), 'subject.options.minReconectionDelay', 'minReconnectionDelay'],
  ['socket.io option misspelt', bad(subject('socketio', { reconnectionDelayMx: 2000 })), 'subject.options.reconnectionDelayMx', 'reconnectionDelayMax'],
  ['step field evry', bad(step({ do: 'send', count: 3, evry: '1s' })), 'timeline[1].evry', 'every'],
  ['step conect', bad(step({ do: 'conect' })), 'timeline[1].do', 'connect'],
  ['step add-toxc', bad(step({ do: 'add-toxc' })), 'timeline[1].do', 'add-toxic'],
  ["mode: 'crsh'", bad(step({ do: 'stop-server', mode: 'crsh' })), 'timeline[1].mode', 'crash'],
  ['stop-server field misspelt', bad(step({ do: 'stop-server', mod: 'crash' })), 'timeline[1].mod', 'mode'],
  ['toxic attribute latencyy', bad(toxic({ type: 'latency', attributes: { latencyy: 100 } })), 'timeline[1].toxic.attributes.latencyy', 'latency'],
  ['toxic type misspelt', bad(toxic({ type: 'latncy', attributes: { latency: 100 } })), 'timeline[1].toxic.type', 'latency'],
  ['toxic stream key misspelt', bad(toxic({ type: 'latency', strem: 'upstream' })), 'timeline[1].toxic.strem', 'stream'],
  ['toxic stream word misspelt', bad(toxic({ type: 'latency', stream: 'upstrem' })), 'timeline[1].toxic.stream', 'upstream'],
  ['nat_idle on_expiry misspelt', bad(toxic({ type: 'nat_idle', attributes: { timeout: 1000, on_expiry: 'rest' } })), 'timeline[1].toxic.attributes.on_expiry', 'reset'],
  ['network toxic for toxics', bad({ network: { toxic: [] } }), 'network.toxic', 'toxics'],
  ['NAT profile misspelt', bad({ network: { nat: 'aws-nat-gatway' } }), 'network.nat', 'aws-nat-gateway'],
  ['NAT timeout misspelt', bad({ network: { nat: { timeot: '5m' } } }), 'network.nat.timeot', 'timeout'],
  ['initial toxic attribute misspelt', bad({ network: { toxics: [{ type: 'bandwidth', attributes: { rat: 2 } }] } }), 'network.toxics[0].attributes.rat', 'rate'],
  ['check name misspelt', bad(check({ check: 'detecton', death: '1m' })), 'checks[0].check', 'detection'],
  ['detection boundd', bad(check({ check: 'detection', death: '1m', boundd: '10s' })), 'checks[0].boundd', 'bound'],
  ['delivery ordred', bad(check({ check: 'delivery', guarantee: 'at-least-once', ordred: true })), 'checks[0].ordred', 'ordered'],
  ["guarantee: 'at-least-one'", bad(check({ check: 'delivery', guarantee: 'at-least-one' })), 'checks[0].guarantee', 'at-least-once'],
  ['backoff expectation field misspelt', bad(check({ check: 'backoff', expect: { bse: '1s', factor: 2 } })), 'checks[0].expect.bse', 'base'],
  ['keepalive windw', bad(check({ check: 'keepalive', windw: '10m' })), 'checks[0].windw', 'window'],
  ['moment toxc', bad(check({ check: 'detection', death: { toxc: 'nat' } })), 'checks[0].death.toxc', 'toxic'],
  ['no-false-alarm form', bad(check({ check: 'no-false-alarm', form: 0 })), 'checks[0].form', 'from'],
  ['server dedup', bad({ server: { dedup: true } }), 'server.dedup', 'dedupe'],
  ['server ping intrval', bad({ server: { ping: { intrval: '1m' } } }), 'server.ping.intrval', 'interval'],
];

/** Mistakes with no misspelling behind them: each names the file, the path and what to write. */
const OTHERS: [what: string, scenario: Scenario, path: string, says: RegExp][] = [
  ['a step after the horizon', bad({ timeline: [{ at: '20m', do: 'connect' }] }), 'timeline[0].at', /after the horizon "15m"/],
  ['no checks', bad({ checks: [] }), 'checks', /at least one check/],
  ['options for a subject that takes none', bad(subject('seed-raw', { heartbeat: {} })), 'subject.options', /subject "seed-raw" takes no options \(got heartbeat\)/],
  ['a required toxic attribute missing', bad(toxic({ type: 'nat_idle' })), 'timeline[1].toxic.attributes', /is required/],
  ['a schedule and a policy mixed', bad(check({ check: 'backoff', expect: { exact: [0, 1000], base: '1s' } })), 'checks[0].expect', /either the schedule .* or a policy/],
  ['a negative count', bad(step({ do: 'send', count: -1 })), 'timeline[1].count', /whole number of messages >= 1 \(got -1\)/],
  ['a duration that is not one', bad(subject('tcp', { heartbeat: { interval: '3 minutes' } })), 'subject.options.heartbeat.interval', /duration like "3m"/],
  ['mqtt.js keepalive as a duration string', bad(subject('mqttjs', { keepalive: '60s' })), 'subject.options.keepalive', /whole number of seconds/],
  ['an empty name', bad({ name: ' ' }), 'name', /not empty/],
];

describe('validateScenario: the bad-scenario table', () => {
  it('holds at least 30 misspellings', () => {
    expect(TYPOS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(TYPOS)('%s: names the file, the path and the closest valid name', (_, scenario, path, meant) => {
    const message = messageOf(scenario);
    expect(message).toContain(FILE);
    expect(message).toContain(`${path}: `);
    expect(message).toContain(`did you mean "${meant}"?`);
  });

  it.each(OTHERS)('%s: names the file, the path and what to write', (_, scenario, path, says) => {
    const message = messageOf(scenario);
    expect(message.startsWith(`${FILE}: scenario "`)).toBe(true);
    expect(message).toContain(path);
    expect(message).toMatch(says);
  });

  it('lists every problem of a scenario at once, one per line', () => {
    const message = messageOf(bad({ horizn: '15m', horizon: undefined, timeline: [{ at: 0, do: 'conect' }] }));
    expect(message.split('\n')).toEqual([
      `${FILE}: scenario "base":`,
      expect.stringMatching(/^ {2}- timeline\[0\]\.do: "conect" is not a step; did you mean "connect"\?/),
      expect.stringMatching(/^ {2}- horizon: is required/),
      expect.stringMatching(/^ {2}- horizn: unknown field; did you mean "horizon"\?/),
    ]);
  });

  it('accepts a backoff expectation written as a policy and the library options of mqtt.js', () => {
    expect(() => validateScenario(bad(check({ check: 'backoff', expect: { base: '1s', factor: 2, cap: '8s' } })), FILE)).not.toThrow();
    expect(() => validateScenario(bad(subject('mqttjs', { keepalive: 30, reconnectPeriod: 5000, connectTimeout: 10_000, clean: false, clientId: 'dev-1' })), FILE)).not.toThrow();
    expect(() => validateScenario(bad(subject('tcp', { backoff: { maxAttempts: Number.POSITIVE_INFINITY } })), FILE)).not.toThrow();
  });

  it('checks a toxic type registered after the schemas were built against its own attributes', () => {
    registerToxic({
      type: 'test_drip',
      description: 'a toxic a test registers',
      attributes: { drops: { kind: 'number', default: 0, min: 0, integer: true, unit: 'packets' } },
      attach: ({ stream, outputs }) => only(stream, passThrough(outputs[stream])),
    });
    expect(() => validateScenario(bad(toxic({ type: 'test_drip', attributes: { drops: 3 } })), FILE)).not.toThrow();
    expect(messageOf(bad(toxic({ type: 'test_drip', attributes: { drop: 3 } })))).toContain('timeline[1].toxic.attributes.drop: unknown field; did you mean "drops"?');
  });
});
