/** The party of the world listening on a loopback port ("proxy:server", "server:server"), if any. */
export type PartyAt = (port: number) => string | undefined;

/**
 * A loopback "host:port" as node writes it in error texts: IPv4 127.x.x.x, IPv4-mapped
 * "::ffff:127.0.0.1", "::1" (bare, as in "connect ECONNREFUSED ::1:40123", or bracketed), localhost,
 * and the wildcard addresses a listener reports.
 */
const LOOPBACK_ADDRESS = /(?<![\w.:])(\[(?:::ffff:127(?:\.\d{1,3}){3}|::1|::)\]|(?:::ffff:)?127(?:\.\d{1,3}){3}|::1|localhost|0\.0\.0\.0):(\d{1,5})(?![\w.])/gi;

/**
 * `text` with the world's ephemeral ports taken out: a loopback address a party of the world listens
 * on becomes the party's name, any other loopback port becomes "<port>". The kernel hands out
 * different ports every run; what a client saw must read the same every run (same seed, same bytes).
 */
export function nameParties(text: string, partyAt: PartyAt): string {
  return text.replace(LOOPBACK_ADDRESS, (_, host: string, port: string) => partyAt(Number(port)) ?? `${host}:<port>`);
}

/** `detail` with nameParties applied to each string it holds (a shallow copy; untouched when there are none). */
export function namePartiesIn(detail: Record<string, unknown> | undefined, partyAt: PartyAt): Record<string, unknown> | undefined {
  if (!detail) return detail;
  let named: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(detail)) {
    // Every address the pattern names ends in ":port": a text without a colon (most of a trace's,
    // on the sim all but error texts) is left as it is without running the pattern over it.
    if (typeof value !== 'string' || !value.includes(':')) continue;
    const text = nameParties(value, partyAt);
    if (text !== value) (named ??= { ...detail })[key] = text;
  }
  return named ?? detail;
}
