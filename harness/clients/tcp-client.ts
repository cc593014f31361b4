import { parseHostPort } from '../net/address.ts';
import type { ClientContext } from './adapter.ts';
import { ReferenceClient, type ReferenceClientOptions } from './reference-client.ts';
import { tcpDial } from './tcp-transport.ts';

/** The reference TCP client, connecting to "host:port" (or "tcp://host:port"). */
export function createTcpClient(ctx: ClientContext, target: string, options?: ReferenceClientOptions): ReferenceClient {
  const address = parseHostPort(target.replace(/^tcp:\/\//, ''), `client "${ctx.name}": target`);
  return new ReferenceClient(ctx, tcpDial(address, ctx.name), options);
}
