import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { countDelivery } from '../checks/delivery.ts';
import { realTimers } from '../clock/clock.ts';
import { findSubject } from '../scenario/subjects.ts';
import { streamHeader } from '../protocol/xmpp.ts';
import { World } from '../scenario/world.ts';
import type { XmppClient } from '@xmpp/client';
import { XmppJsClient, xmppJsDefaults } from './xmpp-client.ts';
import { idleUntil, MIN, outages, S, subjectWorld, type SubjectWorld } from './subject-world.ts';

let sw: SubjectWorld | undefined;
afterEach(async () => {
  await sw?.close();
  sw = undefined;
});

const times = (type: string) => sw!.events(type).map((e) => e.t);

describe('xmpp: @xmpp/client 0.14 against the reference XMPP server, defaults untouched', () => {
  it("reads its promises off the library's defaults: <r/> after 30 s, dead 60 s later, reconnect every 1 s", () => {
    expect(xmppJsDefaults()).toEqual({ reconnectDelayMs: 1000, requestAckIntervalMs: 30_000, ackTimeoutMs: 60_000 });
    expect(findSubject('xmpp').promises({})).toEqual({ detectionBoundMs: 90_000, backoff: { exact: [1000] }, guarantee: 'at-least-once' });
  });

  it('logs in with SCRAM-SHA-1, and asks for an XEP-0198 ack after every 30 s of quiet, answered at once', async () => {
    sw = await subjectWorld('xmpp');
    await sw.world.idle(5 * MIN);
    expect(times('connected')).toEqual([0]);
    expect(times('heartbeat.sent')).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * 30 * S));
    expect(sw.events('heartbeat.reply').map((e) => e.rttMs)).toEqual(Array(10).fill(0));
  });

  it('declares a blackholed link dead 60 s after the first unanswered <r/> (80 s after the fault here), then reconnects 1 s after its 2 s close timeout', async () => {
    sw = await subjectWorld('xmpp');
    await sw.world.idle(130 * S); // the last <a/> came at 120 s; the next <r/> goes out at 150 s
    sw.blackhole();
    await sw.world.idle(2 * MIN);
    expect(sw.events('link.dead')).toMatchObject([{ t: 210 * S, reason: 'no element for 60000 ms after <r/> (stream management timeout)' }]);
    expect(sw.events('reconnect.scheduled')).toMatchObject([{ t: 212 * S, attempt: 1, delayMs: 1000 }]);
    expect(times('connect.attempt')).toEqual([0, 213 * S]);
  });

  it("hangs in 'opening' after a reconnect into the blackhole (xmpp.js drops the open timeout's error) until the server's 300 s negotiation timeout; then resumes the session and delivers what it wrote into the hole", async () => {
    sw = await subjectWorld('xmpp');
    await sw.world.idle(130 * S);
    sw.blackhole();
    sw.client.send('into the hole'); // its <r/> 250 ms later is the first unanswered one
    await sw.world.idle(3 * MIN);
    sw.heal(); // at 310 s: the attempt of 193.25 s is still waiting for a stream header it will never get
    await idleUntil(sw, () => sw!.events('connected').length === 2, 10 * MIN, S);
    expect(sw.events('link.dead').map((e) => [e.t, e.reason])).toEqual([
      [190_250, 'no element for 60000 ms after <r/> (stream management timeout)'],
      [493_250, 'stream error connection-timeout: no session within 300 s of connecting'],
    ]);
    expect(times('connected')).toEqual([0, 494_250]);
    await sw.world.idle(S);
    expect(countDelivery(sw.world.trace.events)).toMatchObject({ attempted: 1, acknowledged: 1, ok: 1, lost: 0, duplicated: 0, failed: 0 });
  });

  it('notices a server that vanished without a FIN 80 s later, then hangs for good: its reconnect meets the same silence and nothing wakes it', async () => {
    sw = await subjectWorld('xmpp');
    await sw.world.idle(130 * S);
    await sw.vanish(5 * MIN, 20 * MIN);
    expect(sw.events('link.dead')).toMatchObject([{ t: 210 * S }]);
    expect(times('connect.attempt')).toEqual([0, 213 * S]);
    expect(sw.client.state).toBe('connecting');
  });

  it('retries every 1 s while the server is down and is back 1 s after it; the crash ended the session, so what was in flight is failed, never resent', async () => {
    sw = await subjectWorld('xmpp');
    await sw.world.idle(MIN);
    sw.client.send('in flight');
    const restartedAt = await sw.restartAfter(5 * S);
    await idleUntil(sw, () => sw!.client.state === 'open', 5 * S);
    const [outage] = outages(sw);
    expect(outage!.attempts.map((a) => [a.delayMs, a.announcedMs])).toEqual(Array(6).fill([1000, 1000]));
    expect(times('connected').at(-1)! - restartedAt).toBe(1000);
    expect(sw.events('message.failed')).toMatchObject([{ reason: 'stream management: the session was lost before the server acknowledged it' }]);
    expect(countDelivery(sw.world.trace.events)).toMatchObject({ attempted: 1, ok: 0, lost: 0, failed: 1 });
  });

  it('never reconnects after the user disconnects', async () => {
    sw = await subjectWorld('xmpp');
    await sw.world.idle(MIN);
    await sw.world.act(() => sw!.client.disconnect());
    await sw.world.idle(10 * MIN);
    expect(sw.client.state).toBe('closed');
    expect(sw.events('connect.attempt')).toHaveLength(1);
    expect(sw.events('reconnect.scheduled')).toHaveLength(0);
    expect(sw.world.trace.ofType('server.closed')).toMatchObject([{ client: 'c1', reason: 'stream closed by the client' }]);
  });
});

/** One message a second, `count` of them, as the gallery's delivery case sends them. */
async function sendEverySecond(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    sw!.client.send(i);
    await sw!.world.idle(S);
  }
}

/**
 * Connected at 0, one message a second from 10 s; the line blackholed at 120 s (c1-111 is the first
 * into the hole) for `holeSeconds`, then 20 more messages and 10 s of quiet.
 */
async function messagesAcrossAHoleOf(holeSeconds: number): Promise<SubjectWorld> {
  const w = (sw = await subjectWorld('xmpp'));
  await w.world.idle(10 * S);
  await sendEverySecond(110);
  w.blackhole();
  await sendEverySecond(holeSeconds);
  w.heal();
  await sendEverySecond(20);
  await w.world.idle(10 * S);
  return w;
}

// XEP-0198 as xmpp.js 0.14 does it (stream-management/index.js): every stanza is queued until an
// <a h/> covers it, counted, not named; <r/> goes out 250 ms after a stanza; the 60 s timeout is
// armed by the first unanswered <r/> and cleared by any element in, and when it fires,
// entity.disconnect() writes </stream:stream> (connection/index.js _closeStream). A resume that
// fails reports the queue failed (failQueue), one that succeeds resends it (resumed → sendMany).
describe('xmpp: delivery across an outage, with and without XEP-0198 resumption', () => {
  it('a 60 s blackhole that lifts 250 ms before the ack timeout (the timing of the gallery\'s delivery case): its </stream:stream> reaches the server, which ends the session; the resume fails and the 60 written into the hole are failed, never resent', async () => {
    const w = await messagesAcrossAHoleOf(60);
    expect(w.events('link.dead')).toMatchObject([{ t: 180_250, reason: 'no element for 60000 ms after <r/> (stream management timeout)' }]);
    // a stream closed cleanly is not resumable (XEP-0198 §5): the session ends here, not in hibernation
    expect(w.world.trace.ofType('server.closed')).toMatchObject([{ t: 180_250, client: 'c1', reason: 'stream closed by the client' }]);
    expect(times('connected')).toEqual([0, 181_250]);
    expect(w.events('message.failed').filter((e) => String(e.reason).startsWith('stream management')).map((e) => e.id)).toEqual(Array.from({ length: 60 }, (_, i) => `c1-${112 + i}`));
    // The server's <a h='111'/>, answering the <r/> sent with the footer, counts c1-171 (the first
    // stanza after the hole); xmpp.js counts it as c1-111, which never arrived: one false ack.
    expect(w.events('message.acked').map((e) => e.id)).toContain('c1-111');
    expect(countDelivery(w.world.trace.events)).toMatchObject({ attempted: 190, ok: 129, lost: 1, duplicated: 0, failed: 60, unresolved: 0 });
  });

  it('a 70 s blackhole outlasting the ack timeout: the footer is lost in the hole, the server keeps the session, and the next connect resumes it: the 61 stanzas written into the hole are resent and arrive once; the 7 written on a stream not yet open are lost unreported', async () => {
    const w = await messagesAcrossAHoleOf(70);
    expect(w.events('link.dead').map((e) => [e.t, e.reason])).toEqual([
      [180_250, 'no element for 60000 ms after <r/> (stream management timeout)'],
      // the reconnect of 183.25 s writes its stanzas before the stream is open; the header went into
      // the hole, so the first thing the server reads on it is a <message>
      [190_000, "stream error invalid-namespace: expected <stream:stream xmlns:stream='http://etherx.jabber.org/streams'>, got <message>"],
    ]);
    expect(w.world.trace.ofType('server.closed')[0]).toMatchObject({ t: 182_250, client: 'c1', reason: 'connection closed' });
    expect(times('connected')).toEqual([0, 191_000]);
    // resent on <resumed/>: the 61 written into the hole on the first stream; then c1-182, the first send after it
    const resumedAt = w.world.trace.ofType('message.delivered').filter((e) => e.t === 191_000);
    expect(resumedAt.map((e) => e.id)).toEqual([...Array.from({ length: 61 }, (_, i) => `c1-${111 + i}`), 'c1-182']);
    // c1-172 and c1-173 were refused while the stream was closing, c1-174 with no socket; c1-175..c1-181 went
    // on the second stream before it was open (connection/index.js write() refuses only while 'closing'),
    // into the hole, before stream management was on: neither queued nor failed
    expect(countDelivery(w.world.trace.events)).toMatchObject({ attempted: 200, ok: 190, lost: 0, duplicated: 0, failed: 3, unresolved: 7 });
  });

  it('a 59 s blackhole that lifts before the next <r/>: never noticed, and the server\'s h stays 59 behind for the rest of the session, so 20 later acks name stanzas that never arrived', async () => {
    const w = await messagesAcrossAHoleOf(59);
    expect(w.events('link.dead')).toEqual([]);
    // h counts what the server handled; a Toxiproxy-style blackhole takes stanzas out of the middle of the stream
    expect(countDelivery(w.world.trace.events)).toMatchObject({ attempted: 189, acknowledged: 130, ok: 130, lost: 20, duplicated: 0, failed: 0, unresolved: 39, recovered: 20 });
  });
});

describe('xmpp: bad input leaves a clear reason in the trace and nothing open', () => {
  it("a wrong password: the SASL failure is the reason; xmpp.js then waits on the unauthenticated stream until the server's 300 s timeout, and tries again 1 s later", async () => {
    sw = await subjectWorld('xmpp', { connect: false, server: { accounts: { c1: 'not-flatline' } } });
    sw.client.connect();
    await sw.world.idle(10 * MIN);
    const refused = 'login failed: not-authorized - wrong user name or password for "c1"';
    expect(sw.events('link.dead').map((e) => [e.t, e.reason])).toEqual([
      [0, refused],
      [301 * S, refused],
    ]);
    expect(times('connect.attempt')).toEqual([0, 301 * S]);
    expect(sw.events('connected')).toEqual([]);
  });

  it("malformed XML from the server: xmpp.js answers bad-format and drops the connection, and the parser's complaint is the reason", async () => {
    await againstRawServer(
      (socket) => socket.once('data', () => socket.write(`${streamHeader({ from: 'flatline.test', id: 'g1' })}<stream:features><oops></stream:features>`)),
      async (world) => {
        await world.idle(500);
        const dead = world.trace.of('client:c1').filter((e) => e.type === 'link.dead');
        expect(dead[0]).toMatchObject({ t: 0, reason: 'malformed XML from the server: oops must be closed.' });
      },
    );
  });

  it('a connection lost in the middle of each login leaves no xmpp.js listener behind, however many times it happens', async () => {
    let logins = 0;
    // offers SCRAM-SHA-1, then drops the connection on the client's <auth/>: the login neither succeeds nor fails
    const features = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>";
    const dropAtAuth = (socket: net.Socket) =>
      socket.on('data', (data) => {
        if (!data.toString().includes('<auth')) return socket.write(`${streamHeader({ from: 'flatline.test', id: 'd1' })}${features}`);
        logins++;
        socket.destroy();
      });
    await againstRawServer(dropAtAuth, async (world, adapter) => {
      await world.idle(10_500);
      const xmpp = (adapter as unknown as { xmpp: XmppClient }).xmpp;
      expect(logins).toBe(11); // one a second, each cut at its <auth/>
      expect(xmpp.listenerCount('nonza')).toBe(1); // the adapter's own; xmpp.js alone would hold 12
    });
  });

  it('a stream error from the server (a graceful stop says system-shutdown) is the reason', async () => {
    sw = await subjectWorld('xmpp');
    await sw.world.idle(S);
    await sw.world.act(() => sw!.server.stop('graceful'));
    expect(sw.events('link.dead')).toMatchObject([{ t: S, reason: 'stream error system-shutdown: the server is stopping' }]);
  });

  it('a stanza too large: the server\'s policy-violation is the reason, and the message is failed after the reconnect', async () => {
    sw = await subjectWorld('xmpp');
    await sw.world.idle(S);
    sw.client.send('x'.repeat(300 * 1024));
    await sw.world.idle(5 * S);
    expect(sw.events('link.dead')).toMatchObject([{ reason: 'stream error policy-violation: stanza too large: more than 262144 bytes' }]);
    expect(sw.world.trace.ofType('server.closed')[0]).toMatchObject({ client: 'c1', reason: 'stream error policy-violation: stanza too large: more than 262144 bytes' });
    expect(countDelivery(sw.world.trace.events)).toMatchObject({ attempted: 1, ok: 0, failed: 1 });
  });
});

/**
 * The xmpp subject's client, c1, against a raw TCP server that answers as `serve` says; `body` runs
 * in its world. Afterwards no TCP socket or listener may be left open.
 */
async function againstRawServer(serve: (socket: net.Socket) => void, body: (world: World, adapter: XmppJsClient) => Promise<void>): Promise<void> {
  const handles = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
  const before = handles();
  const accepted = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted.add(socket);
    socket.on('error', () => {});
    serve(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const world = new World();
  try {
    const adapter = new XmppJsClient(world.clientContext('c1'), { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
    world.addClient(adapter).connect();
    await body(world, adapter);
  } finally {
    await world.close();
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    const deadline = realTimers.dateNow() + 2000;
    while (handles() > before && realTimers.dateNow() < deadline) await new Promise((resolve) => realTimers.setTimeout(resolve, 5));
    expect(handles(), 'TCP sockets or listeners left open').toBe(before);
  }
}
