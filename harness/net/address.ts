import { FlatlineError } from '../util/errors.ts';

export interface HostPort {
  host: string;
  port: number;
}

/** Parses "host:port" ("127.0.0.1:0", "localhost:6379", "[::1]:80"); `field` names it in errors. */
export function parseHostPort(value: unknown, field: string): HostPort {
  const text = typeof value === 'string' ? value.trim() : '';
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(text.slice(colon + 1));
  if (colon < 0 || text.slice(colon + 1) === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FlatlineError('FLATLINE_ERR_PROXY_FIELD', `${field} must be "host:port" with a port from 0 to 65535 (got ${JSON.stringify(value ?? null)})`, { status: 400 });
  }
  return { host: host || '127.0.0.1', port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
