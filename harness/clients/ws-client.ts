import { FlatlineError } from '../util/errors.ts';
import type { ClientContext } from './adapter.ts';
import { ReferenceClient, type ReferenceClientOptions } from './reference-client.ts';
import { wsDial } from './ws-transport.ts';

/** The reference WebSocket client, connecting to a ws:// URL. */
export function createWsClient(ctx: ClientContext, url: string, options?: ReferenceClientOptions): ReferenceClient {
  if (!/^wss?:\/\/[^/]+/.test(url)) {
    throw new FlatlineError('FLATLINE_ERR_CLIENT', `client "${ctx.name}": "${url}" is not a WebSocket URL; use ws://host:port/path`);
  }
  return new ReferenceClient(ctx, wsDial(url, ctx.name), options);
}
