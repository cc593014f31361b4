/** Test support for the API tests: a running API over a fresh network, an echo upstream, raw sockets. */
import net from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { RealClock } from '../../clock/real-clock.ts';
import { noTrace } from '../../trace/trace.ts';
import { Rng } from '../../util/rng.ts';
import { startEcho } from '../../../test/support/echo.ts';
import { FaultNetwork } from '../network.ts';
import type { ProxyWorld } from '../proxy.ts';
import { startApiServer, type ApiServer } from './server.ts';

export interface ApiFixture {
  api: ApiServer;
  network: FaultNetwork;
  toxiproxy: Toxiproxy;
  /** "127.0.0.1:PORT" of a TCP echo server, to use as a proxy's upstream. */
  upstream: string;
  close(): Promise<void>;
}

/** Starts an echo server and the API on 127.0.0.1 port 0, in real time unless `world` says otherwise. */
export async function startApiFixture(world: Partial<ProxyWorld> = {}): Promise<ApiFixture> {
  const echo = await startEcho();
  const network = new FaultNetwork({ clock: new RealClock(), rng: new Rng(1), trace: noTrace, ...world });
  const api = await startApiServer({ network, port: 0 });
  return {
    api,
    network,
    toxiproxy: new Toxiproxy(api.url),
    upstream: `127.0.0.1:${echo.port}`,
    close: async () => {
      await api.close();
      await echo.close();
    },
  };
}

/** Answers of the API as raw HTTP, for what toxiproxy-node-client hides (its errors drop the body). */
export async function rawRequest(
  url: string,
  method: string,
  path: string,
  body?: string | object,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url + path, { method, headers, body: typeof body === 'object' ? JSON.stringify(body) : body });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** An answer of the API byte for byte: status, Content-Type, X-Content-Type-Options and the body text. */
export async function rawText(
  url: string,
  method: string,
  path: string,
  body?: string | object,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | null; nosniff: boolean; text: string }> {
  const res = await fetch(url + path, { method, headers, body: typeof body === 'object' ? JSON.stringify(body) : body });
  return { status: res.status, type: res.headers.get('content-type'), nosniff: res.headers.get('x-content-type-options') === 'nosniff', text: await res.text() };
}

/** A TCP client connected to a proxy; errors are swallowed (tests look at 'close' and data instead). */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Sends `text` and resolves with the milliseconds until the echo of all of it came back. */
export function roundTrip(socket: net.Socket, text = 'ping'): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let received = '';
    const onData = (data: Buffer) => {
      received += data.toString();
      if (received.length < text.length) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(performance.now() - started);
    };
    const onClose = () => reject(new Error(`connection closed before the echo of "${text}" came back`));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(text);
  });
}

/** Resolves with what arrived on `socket` within `ms` and whether it closed meanwhile. */
export function watch(socket: net.Socket, ms: number): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    let data = '';
    let closed = socket.destroyed;
    const onData = (chunk: Buffer) => (data += chunk.toString());
    const onClose = () => (closed = true);
    socket.on('data', onData);
    socket.once('close', onClose);
    setTimeout(() => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({ data, closed });
    }, ms);
  });
}

export function closed(socket: net.Socket): Promise<void> {
  return socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}
