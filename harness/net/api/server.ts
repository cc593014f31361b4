import http from 'node:http';
import type net from 'node:net';
import { FlatlineError } from '../../util/errors.ts';
import { formatHostPort } from '../address.ts';
import type { FaultNetwork } from '../network.ts';
import { errorReply, parseJsonBody, PLAIN_TEXT, PlainReply, readBody, sendReply, type ApiReply } from './http-io.ts';
import { matchRoute, type Route } from './router.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { toxiproxyRoutes } from './toxiproxy-routes.ts';

export interface ApiServerOptions {
  network: FaultNetwork;
  /** Default 127.0.0.1: nothing listens beyond loopback unless asked. */
  host?: string;
  /** Default 8474, Toxiproxy's; 0 picks a free port. */
  port?: number;
}

export interface ApiServer {
  /** "http://127.0.0.1:8474": what a Toxiproxy client takes as its host. */
  url: string;
  /** The port actually listened on. */
  port: number;
  /** Closes the HTTP server and its keep-alive connections, then every proxy of the network. */
  close(): Promise<void>;
}

/** Serves Toxiproxy's HTTP API over a FaultNetwork, so Toxiproxy's clients drive it unchanged. */
export async function startApiServer({ network, host = '127.0.0.1', port = 8474 }: ApiServerOptions): Promise<ApiServer> {
  // Changes to one proxy run one at a time; nothing waits for another proxy, and close() for nothing.
  const queue = new KeyedQueue();
  const handle = requestHandler(toxiproxyRoutes(network), queue);
  const server = http.createServer((req, res) => {
    handle(req).then(
      (reply) => sendReply(res, reply),
      (err: unknown) => sendReply(res, errorReply(err)),
    );
  });
  await listen(server, host, port);
  const actual = (server.address() as net.AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${formatHostPort({ host, port: actual })}`,
    port: actual,
    close: () => (closing ??= shutdown(server, () => network.close())),
  };
}

function requestHandler(routes: Route[], queue: KeyedQueue): (req: http.IncomingMessage) => Promise<ApiReply> {
  return async (req) => {
    const method = req.method ?? 'GET';
    const { route, params } = matchRoute(routes, method, (req.url ?? '/').split('?')[0]!);
    // Toxiproxy refuses browsers so that a web page cannot drive a developer's local proxies; as a
    // mux middleware it sees matched routes only, and answers with http.Error's plain text.
    if (req.headers['user-agent']?.startsWith('Mozilla/')) {
      throw new PlainReply({ status: 403, text: 'User agent not allowed\n', contentType: PLAIN_TEXT });
    }
    const body = await readBody(req);
    const request = { params, json: () => parseJsonBody(body) };
    return queue.run(route.locks?.(request) ?? [], () => route.handle(request));
  };
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = formatHostPort({ host, port });
      const why =
        err.code === 'EADDRINUSE'
          ? 'address already in use (another flatline toxiproxy or a Toxiproxy?); stop it or pick another port (0 picks a free one)'
          : err.message;
      reject(new FlatlineError('FLATLINE_ERR_LISTEN', `the Toxiproxy API cannot listen on ${where}: ${why}`, { status: 500, cause: err }));
    });
    server.listen(port, host, () => resolve());
  });
}

async function shutdown(server: http.Server, closeNetwork: () => Promise<void>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Clients such as fetch keep connections alive; without this, close() would wait for them to time out.
  server.closeAllConnections();
  await closed;
  await closeNetwork();
}
