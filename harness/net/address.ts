import { FlatlineError } from '../util/errors.ts';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Go's fallback service names (src/net/lookup.go `services`), which Go's resolver knows without
 * /etc/services: what Toxiproxy's net.Listen accepts in place of a port number.
 */
const SERVICES: Record<string, number> = { ftp: 21, ftps: 990, gopher: 70, http: 80, https: 443, imap2: 143, imap3: 220, imaps: 993, pop3: 110, pop3s: 995, smtp: 25, submissions: 465, ssh: 22, telnet: 23 };

/**
 * Parses "host:port" the way Go's net.SplitHostPort and port parsing do for Toxiproxy
 * (src/net/ipsock.go, src/net/port.go, src/net/lookup.go), with Go's texts: "127.0.0.1:0x50"
 * is "address tcp/0x50: unknown port", never port 80; an empty port is 0; "+80" and "0080" are 80.
 * An empty host is 127.0.0.1 here (Go listens on every interface: see the README).
 * `field` names the address in the error; its `apiText` is Go's text after `api.prefix`, with
 * `api.status` (Toxiproxy answers 500 for a listen address net.Listen refuses).
 */
export function parseHostPort(value: unknown, field: string, api: { prefix: string; status: number } = { prefix: '', status: 400 }): HostPort {
  const text = typeof value === 'string' ? value : '';
  const fail = (goText: string): never => {
    throw new FlatlineError('FLATLINE_ERR_PROXY_FIELD', `${field} must be "host:port" with a port from 0 to 65535 (got ${JSON.stringify(value ?? null)}: ${goText})`, {
      status: api.status,
      apiText: api.prefix + goText,
    });
  };
  const { host, port } = splitHostPort(text, fail);
  return { host: host || '127.0.0.1', port: lookupPort(port, fail) };
}

function splitHostPort(text: string, fail: (goText: string) => never): { host: string; port: string } {
  const addrError = (why: string) => fail(`address ${text}: ${why}`);
  const colon = text.lastIndexOf(':');
  if (colon < 0) return addrError('missing port in address');
  let host: string;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return addrError("missing ']' in address");
    if (end + 1 === text.length) return addrError('missing port in address');
    if (end + 1 !== colon) return addrError(text[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = text.slice(1, end);
    if (host.includes('[') || host.includes(']')) return addrError(`unexpected '${host.includes('[') ? '[' : ']'}' in address`);
  } else {
    host = text.slice(0, colon);
    if (host.includes(':')) return addrError('too many colons in address');
    if (host.includes('[')) return addrError("unexpected '[' in address");
    if (host.includes(']')) return addrError("unexpected ']' in address");
  }
  return { host, port: text.slice(colon + 1) };
}

/** Go's parsePort then LookupPort: decimal with an optional sign, else a known service name. */
function lookupPort(service: string, fail: (goText: string) => never): number {
  if (service === '') return 0;
  const match = /^([+-]?)(\d+)$/.exec(service);
  if (!match) {
    const known = SERVICES[service.toLowerCase()];
    if (known === undefined) return fail(`address tcp/${service}: unknown port`);
    return known;
  }
  const port = (match[1] === '-' ? -1 : 1) * Math.min(Number(match[2]), 2 ** 30);
  if (port < 0 || port > 65535) return fail(`address ${service}: invalid port`);
  return port;
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
