import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { xml, type Element } from '@xmpp/xml';
import { realTimers } from '../clock/clock.ts';
import { XmppStream, type XmppStreamOptions } from '../protocol/xmpp-stream.ts';
import { NS_PING, XMPP_DOMAIN, streamHeader } from '../protocol/xmpp.ts';
import { World, type NetworkSubstrate } from '../scenario/world.ts';
import { RECORDER_JID } from './xmpp-recorder.ts';
import { XmppServer, type XmppServerOptions } from './xmpp-server.ts';

const S = 1000;
const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;

interface Peer {
  stream: XmppStream;
  received: Element[];
  closed?: string;
  jid?: string;
}

let world: World | undefined;
let before = 0;
const raws: net.Socket[] = [];

async function start(options: XmppServerOptions = {}, network: NetworkSubstrate = 'kernel'): Promise<{ w: World; server: XmppServer }> {
  before = tcpHandles();
  const w = (world = new World({ network }));
  const server = new XmppServer(w.serverContext('x'), options);
  await w.startServer(server);
  return { w, server };
}

function login(server: XmppServer, user: string, extra: Partial<XmppStreamOptions> = {}): Peer {
  const peer: Peer = { received: [] } as unknown as Peer;
  peer.stream = new XmppStream(
    { host: '127.0.0.1', port: server.port, domain: XMPP_DOMAIN, user, password: 'flatline', ...extra },
    { authenticated: (jid) => (peer.jid = jid), element: (e) => peer.received.push(e), closed: (reason) => (peer.closed = reason) },
  );
  return peer;
}

/** A raw TCP client that writes what it is given and keeps what comes back. */
function raw(server: XmppServer): { socket: net.Socket; text: () => string; chunks: string[] } {
  const socket = net.connect(server.port, '127.0.0.1');
  raws.push(socket);
  const chunks: string[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  socket.on('error', () => {});
  return { socket, text: () => chunks.join(''), chunks };
}

const closedReasons = (w: World) => w.trace.ofType('server.closed').map((e) => e.reason);

afterEach(async () => {
  for (const s of raws.splice(0)) s.destroy();
  await world?.close();
  world = undefined;
  const deadline = realTimers.dateNow() + 2000;
  while (tcpHandles() > before && realTimers.dateNow() < deadline) await new Promise((resolve) => realTimers.setTimeout(resolve, 5));
  expect(tcpHandles(), 'TCP sockets or listeners left open').toBe(before);
});

describe('XmppServer: the reference XMPP server', () => {
  it('routes a message between connected JIDs with the sender stamped on, and records what reaches the recorder', async () => {
    const { w, server } = await start();
    const alice = login(server, 'alice');
    const bob = login(server, 'bob', { resource: 'phone' });
    await w.idle(S);
    expect([alice.jid, bob.jid]).toEqual(['alice@flatline.test/resource-1', 'bob@flatline.test/phone']);
    alice.stream.send(xml('message', { to: 'bob@flatline.test', id: 'm1', type: 'chat' }, xml('body', {}, 'hi')));
    alice.stream.send(xml('message', { to: RECORDER_JID, id: 'm2', type: 'chat' }, xml('body', {}, 'for the record')));
    await w.idle(S);
    expect(bob.received.map((e) => [e.name, e.attrs.from, e.getChildText('body')])).toEqual([['message', 'alice@flatline.test/resource-1', 'hi']]);
    expect(w.trace.ofType('message.delivered')).toMatchObject([{ id: 'm2', client: 'alice' }]);
  });

  it('answers an XEP-0199 ping and refuses other queries with service-unavailable', async () => {
    const { w, server } = await start();
    const alice = login(server, 'alice');
    await w.idle(S);
    alice.stream.send(xml('iq', { type: 'get', id: 'p1', to: XMPP_DOMAIN }, xml('ping', { xmlns: NS_PING })));
    alice.stream.send(xml('iq', { type: 'get', id: 'v1', to: XMPP_DOMAIN }, xml('query', { xmlns: 'jabber:iq:version' })));
    await w.idle(S);
    expect(alice.received.map((e) => [e.attrs.id, e.attrs.type, e.getChild('error')?.getChildElements()[0]?.name])).toEqual([
      ['p1', 'result', undefined],
      ['v1', 'error', 'service-unavailable'],
    ]);
  });

  it('drops a duplicate message id when told to dedupe (exactly-once)', async () => {
    const { w, server } = await start({ dedupe: true });
    const alice = login(server, 'alice');
    await w.idle(S);
    for (let i = 0; i < 2; i++) alice.stream.send(xml('message', { to: RECORDER_JID, id: 'same' }, xml('body', {}, 'x')));
    await w.idle(S);
    expect(w.trace.ofType('message.delivered').map((e) => e.id)).toEqual(['same']);
  });

  it('pings a quiet client itself when asked, and drops one that never answers', async () => {
    const { w, server } = await start({ ping: { interval: '1m', timeout: '10s' } });
    const mute = login(server, 'mute'); // XmppStream answers nothing by itself
    await w.idle(2 * 60 * S);
    expect(mute.received.map((e) => e.getChild('ping', NS_PING) !== undefined)).toEqual([true]);
    expect(mute.closed).toBe('connection closed by the server');
    expect(w.trace.ofType('server.closed')).toMatchObject([{ client: 'mute', reason: 'server ping: heartbeat timeout: no reply within 10s' }]);
  });

  // A latency toxic draws its jitter per chunk: a reply cut differently on the two substrates
  // would shift every later draw, and the sim/kernel cross-check would see another trace.
  it.each(['sim', 'kernel'] as const)('answers a stream header with the header and its features in one send, as Prosody does (%s)', async (network) => {
    const { w, server } = await start({}, network);
    const client = raw(server);
    client.socket.write(streamHeader({ to: XMPP_DOMAIN }));
    await w.idle(S);
    expect(client.chunks).toHaveLength(1);
    expect(client.chunks[0]).toMatch(/^<\?xml version='1.0'\?><stream:stream [^>]*><stream:features><mechanisms /);
  });

  it('says system-shutdown to every client on a graceful stop, and comes back on the same port', async () => {
    const { w, server } = await start();
    const alice = login(server, 'alice');
    await w.idle(S);
    const port = server.port;
    await w.act(() => server.stop('graceful'));
    expect(alice.closed).toBe('stream error system-shutdown: the server is stopping');
    await w.act(() => server.start());
    expect(server.port).toBe(port);
    const again = login(server, 'alice');
    await w.idle(S);
    expect(again.jid).toBe('alice@flatline.test/resource-2');
  });
});

describe('XmppServer: bad input gets a stream error that says what was wrong', () => {
  it('a wrong password: a SASL failure naming the user, and the connection closes when the client gives up', async () => {
    const { w, server } = await start({ accounts: { alice: 'secret' } });
    const alice = login(server, 'alice'); // password "flatline"
    await w.idle(S);
    expect(alice.closed).toBe('authentication failed: not-authorized (wrong user name or password for "alice")');
    expect(w.trace.ofType('message.delivered')).toEqual([]);
  });

  it('malformed XML: not-well-formed, with the parser\'s complaint', async () => {
    const { w, server } = await start();
    const client = raw(server);
    client.socket.write(`${streamHeader({ to: XMPP_DOMAIN })}<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><oops></auth>`);
    await w.idle(S);
    expect(client.text()).toContain("<stream:error><not-well-formed xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/><text xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\">malformed XML: oops must be closed.</text></stream:error></stream:stream>");
    expect(closedReasons(w)).toEqual(['stream error not-well-formed: malformed XML: oops must be closed.']);
  });

  it('a stanza too large: policy-violation once a top-level element passes the limit (10000 bytes before authentication)', async () => {
    const { w, server } = await start();
    const client = raw(server);
    client.socket.write(`${streamHeader({ to: XMPP_DOMAIN })}<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${'A'.repeat(20_000)}`);
    await w.idle(S);
    expect(client.text()).toContain('<policy-violation');
    expect(closedReasons(w)).toEqual(['stream error policy-violation: stanza too large: more than 10000 bytes']);
  });

  it('a stanza too large after authentication: policy-violation past stanzaSizeLimit', async () => {
    const { w, server } = await start({ stanzaSizeLimit: 50_000 });
    const alice = login(server, 'alice');
    await w.idle(S);
    alice.stream.send(xml('message', { to: RECORDER_JID, id: 'big' }, xml('body', {}, 'x'.repeat(60_000))));
    await w.idle(S);
    expect(alice.closed).toBe('stream error policy-violation: stanza too large: more than 50000 bytes');
    expect(w.trace.ofType('message.delivered')).toEqual([]);
  });

  it('a stream for another domain or in another namespace: host-unknown, invalid-namespace', async () => {
    const { w, server } = await start();
    raw(server).socket.write(streamHeader({ to: 'elsewhere.example' }));
    raw(server).socket.write("<?xml version='1.0'?><stream:stream to='flatline.test' version='1.0' xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>");
    await w.idle(S);
    expect(closedReasons(w).sort()).toEqual([
      'stream error host-unknown: this server serves flatline.test, not "elsewhere.example"',
      'stream error invalid-namespace: expected xmlns=\'jabber:client\', got "jabber:server"',
    ]);
  });

  it('a connection that never authenticates: connection-timeout after 300 s (Prosody\'s c2s_timeout)', async () => {
    const { w, server } = await start();
    const client = raw(server);
    await w.idle(299 * S);
    expect(closedReasons(w)).toEqual([]);
    await w.idle(2 * S);
    expect(closedReasons(w)).toEqual(['stream error connection-timeout: no session within 300 s of connecting']);
    expect(client.text()).toContain('<connection-timeout');
  });
});
