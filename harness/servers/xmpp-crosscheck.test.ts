import { describe, expect, it } from 'vitest';
import { countDelivery } from '../checks/delivery.ts';
import { runScenario } from '../scenario/runner.ts';
import type { SingleScenario } from '../scenario/scenario.ts';
import { findSubject, registerSubject } from '../scenario/subjects.ts';
import '../subjects/index.ts';
import { ProsodyServer, prosodyPath } from './prosody.ts';

/**
 * The reference XMPP server against a real Prosody, on the core cases, in real time at 1/10 of
 * scenario speed (Prosody's own timers cannot be made virtual): the same subjects, the same
 * scenarios, and the verdicts must agree. Each subject runs once per server, as "<kind>" and
 * "<kind>@prosody" (the same client, Prosody as its server).
 */
const installed = prosodyPath() !== undefined;
const missing = installed ? '' : ' (skipped: install prosody (apt-get install prosody) to cross-check against a real XMPP server)';
const SCALE = 0.1;

for (const kind of ['xmpp', 'seed-xmppframework']) {
  registerSubject({ ...findSubject(kind), kind: `${kind}@prosody`, createServer: (ctx) => new ProsodyServer(ctx) });
}

/**
 * Faults come 90 s in: at this scale xmpp.js's SCRAM-SHA-1 login (WebCrypto, 10000 iterations on
 * Prosody) takes a few real seconds, which are tens of scenario seconds.
 */
const cases: Record<string, Omit<SingleScenario, 'name' | 'subject'>> = {
  'blackhole detection': {
    timeline: [
      { at: 0, do: 'connect' },
      { at: '90s', do: 'add-toxic', toxic: { name: 'flat-up', type: 'blackhole', stream: 'upstream' } },
      { at: '90s', do: 'add-toxic', toxic: { name: 'flat-down', type: 'blackhole', stream: 'downstream' } },
    ],
    checks: [{ check: 'detection', death: { toxic: 'flat-up' } }],
    horizon: '3m30s',
  },
  'reconnect after a crash': {
    timeline: [
      { at: 0, do: 'connect' },
      { at: '80s', do: 'send', count: 10, every: '1s' },
      { at: '95s', do: 'stop-server', mode: 'crash' },
      { at: '105s', do: 'start-server' },
    ],
    checks: [{ check: 'backoff' }],
    horizon: '2m30s',
  },
};

// The wall limit is a hang guard: a 3m30s case is 21 s of real time here, and took 30 s at load 24.
async function run(kind: string, name: string) {
  const result = await runScenario({ name: `${name} [${kind}]`, subject: { kind } as SingleScenario['subject'], ...cases[name]! }, { seed: 1, file: 'xmpp-crosscheck', timeScale: SCALE, wallLimitMs: 120_000 });
  expect(result.error, result.error?.message).toBeUndefined();
  return result;
}

describe(`the reference XMPP server agrees with Prosody${missing}`, () => {
  for (const kind of ['xmpp', 'seed-xmppframework']) {
    for (const name of Object.keys(cases)) {
      it.skipIf(!installed)(`${kind}: ${name}`, async () => {
        const reference = await run(kind, name);
        const prosody = await run(`${kind}@prosody`, name);
        const verdicts = (r: typeof reference) => r.verdicts.map((v) => [v.check, v.status]);
        expect(verdicts(prosody)).toEqual(verdicts(reference));
        expect(verdicts(reference).every(([, status]) => status === 'pass')).toBe(true);
        if (name === 'reconnect after a crash') {
          // all ten reached the recorder before the crash, through either server's routing
          for (const r of [reference, prosody]) expect(countDelivery(r.trace)).toMatchObject({ attempted: 10, ok: 10, lost: 0, duplicated: 0 });
        } else {
          // the client's own timers decide, so both say the same thing
          const reason = (r: typeof reference) => r.trace.find((e) => e.type === 'link.dead')?.reason;
          expect(reason(prosody)).toBe(reason(reference));
        }
      });
    }
  }
});
