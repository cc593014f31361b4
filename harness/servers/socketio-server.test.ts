import { io as connectSocketIo } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { S, subjectWorld, type SubjectWorld } from '../subjects/subject-world.ts';

let sw: SubjectWorld | undefined;
afterEach(async () => {
  await sw?.close(); // fails if a socket or listener outlives the world
  sw = undefined;
});

/** The socketio subject's world (its server is this SocketIoServer), connected and open. */
async function setup(): Promise<SubjectWorld> {
  sw = await subjectWorld('socketio');
  await sw.world.idle(S);
  expect(sw.client.state).toBe('open');
  return sw;
}

/** The server's events of one type, without source and type. */
function serverEvents({ world }: SubjectWorld, type: string): Record<string, unknown>[] {
  return world.trace.of('server:srv').filter((e) => e.type === type).map(({ t, source: _source, type: _type, ...rest }) => ({ t, ...rest }));
}

describe('socket.io reference server', () => {
  it('traces sessions and deliveries with ids, acks them, and comes back on the same port', async () => {
    const { world, server, client } = await setup();
    const port = server.port;
    client.send({ hello: 1 });
    await world.idle(S);
    expect(serverEvents(sw!, 'server.accepted')).toEqual([{ t: 0 }]);
    expect(serverEvents(sw!, 'message.delivered')).toEqual([{ t: S, id: 'c1-1', client: 'c1' }]);
    expect(world.trace.ofType('message.acked').map((e) => e.id)).toEqual(['c1-1']);
    await world.act(() => server.stop('graceful'));
    expect(serverEvents(sw!, 'server.closed')).toEqual([{ t: 2 * S, client: 'c1', reason: 'server shutting down' }]);
    await world.idle(10 * S);
    await world.act(() => server.start());
    expect(server.port).toBe(port);
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    await world.idle(10 * S);
    expect(client.state).toBe('open');
    expect(serverEvents(sw!, 'server.accepted')).toHaveLength(2);
  });

  it('pings every 25 s and drops a client whose pong does not come within 20 s (its defaults)', async () => {
    const { world, proxy } = await setup();
    await world.idle(69 * S); // at 70 s: pings went at 25 and 50 s
    proxy.toxics.add({ type: 'blackhole', stream: 'upstream' });
    await world.idle(30 * S);
    // the ping of 75 s gets no pong: dropped at 75 + 20 = 95 s
    expect(world.trace.ofType('server.closed')).toMatchObject([{ t: 95 * S, reason: 'ping timeout' }]);
  });

  it('a crash ends every session at once, with the process, and nothing is traced after it', async () => {
    const { world, server } = await setup();
    await world.act(() => server.stop('crash'));
    await world.idle(2 * 60 * S);
    expect(serverEvents(sw!, 'server.stopped')).toEqual([{ t: S, mode: 'crash' }]);
    expect(serverEvents(sw!, 'server.closed')).toEqual([{ t: S, client: 'c1', reason: 'server stopped (crash)' }]);
  });

  it('ends a session that emits a malformed message, with the protocol error as the reason', async () => {
    const { world, proxy } = await setup();
    const raw = connectSocketIo(`http://127.0.0.1:${proxy.listen.port}`, { forceNew: true, reconnection: false });
    try {
      await world.idle(S);
      raw.emit('msg', 'not an object');
      await world.idle(S);
      expect(serverEvents(sw!, 'server.closed').at(-1)).toMatchObject({ reason: expect.stringMatching(/protocol error: "msg" needs \{ id: string, body \}/) });
      expect(raw.connected).toBe(false);
    } finally {
      raw.close();
    }
  });
});
