import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import type { SaslResult } from './xmpp-sasl.ts';

/** RFC 5802 §5.1: the iteration count SHOULD be at least 4096. */
const ITERATIONS = 4096;

const hmac = (key: Buffer, text: string) => createHmac('sha1', key).update(text).digest();
const sha1 = (data: Buffer) => createHash('sha1').update(data).digest();

/** "a=1,b=2" -> { a: '1', b: '2' } (RFC 5802 §5: attribute=value pairs). */
function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/** RFC 5802 §5.1: "=2C" and "=3D" stand for "," and "=" in a user name. */
const saslName = (name: string) => name.replace(/=2C/g, ',').replace(/=3D/g, '=');

/**
 * The server half of one SCRAM-SHA-1 exchange (RFC 5802; RFC 6120 §6.4): client-first ->
 * server-first (the challenge), client-final -> the verdict and server-final (sent with <success/>).
 * xmpp.js will not send PLAIN over an unencrypted stream, so this is how it logs in here, as on
 * Prosody. The salt and the server's nonce are fixed per exchange by the caller: same seed, same bytes.
 */
export class ScramSha1Exchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private user = '';
  private gs2Header = '';

  constructor(
    private readonly password: (user: string) => string | undefined,
    private readonly serverNonce: string,
    /** The account's salt (a real server stores a random one with the account). */
    private readonly saltOf: (user: string) => Buffer = defaultSalt,
  ) {}

  /** The client-first message (already base64-decoded); returns the challenge, or a failure. */
  first(clientFirst: string): { challenge: string } | Extract<SaslResult, { failure: string }> {
    const match = /^([ny]|p=[^,]*),(a=[^,]*)?,(.*)$/.exec(clientFirst);
    if (!match) return { failure: 'malformed-request', text: 'SCRAM client-first must start with a GS2 header such as "n,,"' };
    if (match[1]!.startsWith('p=')) return { failure: 'malformed-request', text: 'channel binding is not offered (no TLS here)' };
    this.gs2Header = `${match[1]},${match[2] ?? ''},`;
    this.clientFirstBare = match[3]!;
    const attrs = attributes(this.clientFirstBare);
    const user = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (!user || !clientNonce) return { failure: 'malformed-request', text: 'SCRAM client-first needs n= (user) and r= (nonce)' };
    this.user = saslName(user);
    this.nonce = clientNonce + this.serverNonce;
    this.serverFirst = `r=${this.nonce},s=${this.salt().toString('base64')},i=${ITERATIONS}`;
    return { challenge: this.serverFirst };
  }

  /** The client-final message; returns the user and the server-final message, or a failure. */
  final(clientFinal: string): { user: string; serverFinal: string } | Extract<SaslResult, { failure: string }> {
    const attrs = attributes(clientFinal);
    const proof = attrs.get('p');
    if (attrs.get('r') !== this.nonce || !proof) return { failure: 'malformed-request', text: 'SCRAM client-final must carry the combined nonce and a proof' };
    if (attrs.get('c') !== Buffer.from(this.gs2Header).toString('base64')) return { failure: 'malformed-request', text: 'SCRAM channel binding data does not match the GS2 header' };
    const password = this.password(this.user);
    const wrong = { failure: 'not-authorized' as const, text: `wrong user name or password for "${this.user}"` };
    if (password === undefined) return wrong;
    const salted = pbkdf2Sync(password.normalize('NFKC'), this.salt(), ITERATIONS, 20, 'sha1');
    const clientKey = hmac(salted, 'Client Key');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${clientFinal.slice(0, clientFinal.lastIndexOf(',p='))}`;
    const signature = hmac(sha1(clientKey), authMessage);
    const given = Buffer.from(proof, 'base64');
    if (given.length !== signature.length) return wrong;
    const recovered = Buffer.from(given.map((b, i) => b ^ signature[i]!));
    if (!timingSafeEqual(sha1(recovered), sha1(clientKey))) return wrong;
    return { user: this.user, serverFinal: `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}` };
  }

  private salt(): Buffer {
    return this.saltOf(this.user);
  }
}

/** A fixed per-user salt: same seed, same bytes. */
function defaultSalt(user: string): Buffer {
  return sha1(Buffer.from(`flatline-salt:${user}`)).subarray(0, 16);
}
