import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../sim/host.ts';
import { findSubject } from './subjects.ts';
import '../subjects/index.ts';
import { World } from './world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const PUBLIC = '203.0.113.1';

describe('a client driven on its own host of the simulated network', () => {
  it('mqtt.js on a phone behind a NAT: its first connect and every reconnect leave from the phone; the broker’s own recorder does not', async () => {
    const w = (world = new World({ network: 'sim', serverHost: '0.0.0.0' }));
    const nat = w.sim!.addNat('carrier', PUBLIC, { timeoutMs: 300_000, loose: true, port: 'preserve', filter: false, refresh: 'both' });
    const phone = w.sim!.addHost('phone', '192.168.1.2', { behind: nat });
    const subject = findSubject('mqttjs');
    const server = await w.act(async () => subject.createServer(w.serverContext('server'), { dedupe: false }));
    await w.startServer(server);
    const proxy = await w.act(() => w.network.create({ name: 'server', listen: '0.0.0.0:0', upstream: `127.0.0.1:${server.port}` }));
    const target = { host: w.sim!.defaultHost.address, port: proxy.listen.port };
    const client = w.addClient(() => subject.createClient(w.clientContext('subject'), target, {}), { host: phone });
    await w.act(async () => client.connect());
    await w.idle(10_000);
    await w.act(() => server.stop('crash'));
    await w.idle(5_000);
    await w.act(() => server.start());
    await w.idle(10_000);

    const mappings = w.trace.events.filter((e) => e.type === 'nat.mapping.created');
    const connected = w.trace.events.filter((e) => e.source === 'client:subject' && e.type === 'connected');
    expect(connected.length).toBeGreaterThanOrEqual(2); // the first connect and the one after the restart
    // mqtt.js retried every 1 s while the broker was down: each attempt was a new mapping from the phone
    expect(mappings.length).toBeGreaterThanOrEqual(connected.length + 3);
    expect(new Set(mappings.map((e) => e.inside as string).map((a) => a.split(':')[0]))).toEqual(new Set(['192.168.1.2']));
    expect(new Set(mappings.map((e) => e.remote))).toEqual(new Set([`${target.host}:${target.port}`]));
  });

  it('is refused on the kernel substrate, naming the host', () => {
    const w = (world = new World({ network: 'kernel' }));
    const fake = { name: 'phone' } as Host;
    expect(() => w.addClient(() => { throw new Error('never made'); }, { host: fake })).toThrow(/client on host "phone": hosts exist on the simulated network only/);
  });
});
