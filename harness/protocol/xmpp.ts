import { escapeXML, xml, type Element } from '@xmpp/xml';

/**
 * XMPP names and small builders the reference server, its delivery recorder and the
 * XMPPFramework-style client share (RFC 6120 for the stream, SASL and binding; XEP-0198 and XEP-0199).
 */
export const NS_CLIENT = 'jabber:client';
export const NS_STREAM = 'http://etherx.jabber.org/streams';
/** RFC 6120 §4.9.3: the namespace of a stream error's condition. */
export const NS_STREAM_ERRORS = 'urn:ietf:params:xml:ns:xmpp-streams';
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
export const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const NS_PING = 'urn:xmpp:ping';
export const NS_SM = 'urn:xmpp:sm:3';

/** The domain every flatline XMPP world serves, and the account deliveries go to. */
export const XMPP_DOMAIN = 'flatline.test';
export const RECORDER_USER = 'recorder';
/** Every account's password unless a server is told otherwise. */
export const XMPP_PASSWORD = 'flatline';

export type StreamErrorCondition =
  | 'bad-format'
  | 'conflict'
  | 'connection-timeout'
  | 'host-unknown'
  | 'invalid-namespace'
  | 'not-authorized'
  | 'not-well-formed'
  | 'policy-violation'
  | 'system-shutdown'
  | 'unsupported-version';

/** The opening tag of a stream (RFC 6120 §4.7); the server's carries an id. */
export function streamHeader(attrs: { to?: string; from?: string; id?: string }): string {
  const parts = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}='${escapeXML(String(v))}'`)
    .join('');
  return `<?xml version='1.0'?><stream:stream${parts} version='1.0' xml:lang='en' xmlns='${NS_CLIENT}' xmlns:stream='${NS_STREAM}'>`;
}

export const STREAM_FOOTER = '</stream:stream>';

/** A stream error (RFC 6120 §4.9), written just before the stream closes. */
export function streamError(condition: StreamErrorCondition, text?: string): string {
  const children = [xml(condition, { xmlns: NS_STREAM_ERRORS })];
  if (text) children.push(xml('text', { xmlns: NS_STREAM_ERRORS }, text));
  return xml('stream:error', {}, ...children).toString();
}

/** The condition and text of a received <stream:error/>. */
export function readStreamError(element: Element): { condition: string; text?: string } {
  const condition = element.getChildElements().find((c) => c.attrs.xmlns === NS_STREAM_ERRORS && c.name !== 'text');
  const text = element.getChildText('text', NS_STREAM_ERRORS) ?? undefined;
  return { condition: condition?.name ?? 'undefined-condition', text };
}

/** SASL PLAIN's message (RFC 4616): [authzid] NUL authcid NUL passwd, base64 on the wire (RFC 6120 §6.4.2). */
export function plainMessage(user: string, password: string): string {
  return Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
}

/** The local part of a JID ("c1" of "c1@flatline.test/abc"), or the whole string if it has none. */
export function localPart(jid: string | undefined): string | undefined {
  if (!jid) return undefined;
  const at = jid.indexOf('@');
  return at < 0 ? jid : jid.slice(0, at);
}

/** "user@domain" of "user@domain/resource". */
export function bareJid(jid: string): string {
  const slash = jid.indexOf('/');
  return slash < 0 ? jid : jid.slice(0, slash);
}

/** Stanzas are what XEP-0198 counts; everything else at the top level is a nonza. */
export function isStanza(element: Element): boolean {
  return element.name === 'message' || element.name === 'iq' || element.name === 'presence';
}
