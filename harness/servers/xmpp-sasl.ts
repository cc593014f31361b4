/** Why a SASL exchange failed, as RFC 6120 §6.5 names the condition. */
export type SaslFailure = 'invalid-mechanism' | 'malformed-request' | 'not-authorized';

export type SaslResult = { user: string } | { failure: SaslFailure; text: string };

/**
 * Checks a SASL PLAIN <auth/> (RFC 4616: [authzid] NUL authcid NUL passwd, base64 per RFC 6120
 * §6.4.2) against `password(user)`, which returns the account's password or undefined for no account.
 */
export function checkPlain(mechanism: string | undefined, payload: string, password: (user: string) => string | undefined): SaslResult {
  if (mechanism !== 'PLAIN') return { failure: 'invalid-mechanism', text: `mechanism ${JSON.stringify(mechanism ?? '')} is not offered (only PLAIN)` };
  const decoded = Buffer.from(payload.trim(), 'base64').toString('utf8');
  const parts = decoded.split('\0');
  if (parts.length !== 3 || !parts[1]) return { failure: 'malformed-request', text: 'PLAIN needs "[authzid] NUL user NUL password" in base64' };
  const [authzid, user, given] = parts as [string, string, string];
  if (authzid && authzid.split('@')[0] !== user) return { failure: 'not-authorized', text: `user "${user}" may not act as "${authzid}"` };
  const expected = password(user);
  if (expected === undefined || expected !== given) return { failure: 'not-authorized', text: `wrong user name or password for "${user}"` };
  return { user };
}
