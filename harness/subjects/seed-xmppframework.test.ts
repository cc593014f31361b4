import { afterEach, describe, expect, it } from 'vitest';
import { countDelivery } from '../checks/delivery.ts';
import { findSubject } from '../scenario/subjects.ts';
import { idleUntil, MIN, outages, S, subjectWorld, type SubjectWorld } from './subject-world.ts';

let sw: SubjectWorld | undefined;
afterEach(async () => {
  await sw?.close();
  sw = undefined;
});

const times = (type: string) => sw!.events(type).map((e) => e.t);

describe("seed-xmppframework: XMPPFramework's XMPPAutoPing and XMPPReconnect with their defaults", () => {
  it('promises what the headers say: detected within 60 + 15 + 10 s, reconnect 2 s then every 20 s, nothing acked', () => {
    expect(findSubject('seed-xmppframework').promises({})).toEqual({ detectionBoundMs: 85_000, backoff: { exact: [2000, 20_000] }, guarantee: 'at-most-once' });
  });

  it('pings the server every 60 s of silence, answered at once', async () => {
    sw = await subjectWorld('seed-xmppframework');
    await sw.world.idle(5 * MIN + S);
    expect(times('heartbeat.sent')).toEqual([1, 2, 3, 4, 5].map((m) => m * MIN));
    expect(sw.events('heartbeat.reply').map((e) => e.rttMs)).toEqual([0, 0, 0, 0, 0]);
  });

  it("notices a blackhole at its next ping's timeout (60 s after the fault here); its reconnect then waits on the silent stream until the server's 300 s negotiation timeout, and the next 20 s tick gets it back", async () => {
    sw = await subjectWorld('seed-xmppframework');
    await sw.world.idle(130 * S);
    sw.blackhole();
    sw.client.send('into the hole');
    await sw.world.idle(3 * MIN);
    sw.heal();
    await idleUntil(sw, () => sw!.client.state === 'open' && sw!.events('connected').length === 2, 10 * MIN, S);
    expect(sw.events('link.dead')).toMatchObject([{ t: 190 * S, reason: 'XMPPAutoPing timeout: no pong within 10 s' }]);
    expect(times('connect.attempt')).toEqual([0, 192 * S, 512 * S]);
    expect(sw.events('reconnect.scheduled').map((e) => [e.t, e.delayMs])).toEqual([
      [190 * S, 2000],
      [492 * S, 20_000],
    ]);
    // written into the hole, never acked, never resent
    expect(countDelivery(sw.world.trace.events)).toMatchObject({ attempted: 1, ok: 0, acknowledged: 0, unresolved: 1 });
  });

  it('notices a server that vanished without a FIN at its next ping timeout, then hangs for good: -connect: has no timeout and the close never arrives', async () => {
    sw = await subjectWorld('seed-xmppframework');
    await sw.world.idle(130 * S);
    await sw.vanish(5 * MIN, 20 * MIN);
    expect(sw.events('link.dead')).toMatchObject([{ t: 190 * S, reason: 'XMPPAutoPing timeout: no pong within 10 s' }]);
    expect(times('connect.attempt')).toEqual([0, 192 * S]);
    expect(sw.client.state).toBe('connecting');
  });

  it('after a server crash tries 2 s later, then on every 20 s tick, and drops what is sent meanwhile', async () => {
    sw = await subjectWorld('seed-xmppframework');
    await sw.world.idle(MIN);
    const restartedAt = await sw.restartAfter(MIN);
    sw.client.send('while down');
    await idleUntil(sw, () => sw!.client.state === 'open', 30 * S);
    const [outage] = outages(sw);
    expect(outage!.attempts.map((a) => [a.at, a.delayMs])).toEqual([
      [62 * S, 2000],
      [82 * S, 20_000],
      [102 * S, 20_000],
      [122 * S, 20_000],
    ]);
    expect(times('connected').at(-1)! - restartedAt).toBe(2 * S);
    expect(sw.events('message.failed')).toMatchObject([{ reason: 'xmppStream:didFailToSendMessage: the stream is not connected' }]);
  });

  it('never retries a first connect that fails: XMPPReconnect only acts for a stream that has authenticated', async () => {
    sw = await subjectWorld('seed-xmppframework', { connect: false });
    await sw.world.act(() => sw!.server.stop('crash'));
    sw.client.connect();
    await sw.world.idle(5 * MIN);
    expect(sw.events('connect.attempt')).toHaveLength(1);
    expect(sw.client.state).toBe('closed');
  });

  it('never reconnects after the user disconnects', async () => {
    sw = await subjectWorld('seed-xmppframework');
    await sw.world.idle(MIN);
    await sw.world.act(() => sw!.client.disconnect());
    await sw.world.idle(10 * MIN);
    expect(sw.client.state).toBe('closed');
    expect(sw.events('connect.attempt')).toHaveLength(1);
    expect(sw.world.trace.ofType('server.closed')).toMatchObject([{ client: 'c1', reason: 'stream closed by the client' }]);
  });
});
