import type { Element } from '@xmpp/xml';
import { bareJid } from '../protocol/xmpp.ts';

/** A bound resource the router can hand stanzas to (a live or a hibernating session). */
export interface XmppRoute {
  readonly jid: string;
  deliver(stanza: Element): void;
}

/**
 * Message routing between connected JIDs (RFC 6121 §8.5, simplified): a stanza to a full JID goes
 * to that resource, one to a bare JID to every bound resource of the account. There is no offline
 * storage: a stanza for an account with no bound resource is dropped, and route() says so.
 */
export class XmppRouter {
  private readonly routes = new Map<string, XmppRoute>();

  /** Binds `route`; a resource already bound under that JID is returned so its owner can close it. */
  bind(route: XmppRoute): XmppRoute | undefined {
    const previous = this.routes.get(route.jid);
    this.routes.set(route.jid, route);
    return previous === route ? undefined : previous;
  }

  unbind(route: XmppRoute): void {
    if (this.routes.get(route.jid) === route) this.routes.delete(route.jid);
  }

  /** Hands `stanza` to its recipients; returns how many took it. */
  route(to: string, stanza: Element): number {
    const exact = this.routes.get(to);
    if (exact) {
      exact.deliver(stanza);
      return 1;
    }
    if (to.includes('/')) return 0;
    let count = 0;
    for (const route of this.routes.values()) {
      if (bareJid(route.jid) !== to) continue;
      route.deliver(stanza);
      count++;
    }
    return count;
  }

  clear(): void {
    this.routes.clear();
  }
}
