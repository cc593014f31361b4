import { describe, expect, it } from 'vitest';
import { xml, type Element } from '@xmpp/xml';
import { XmppRouter, type XmppRoute } from './xmpp-router.ts';

function route(jid: string): XmppRoute & { got: Element[] } {
  const got: Element[] = [];
  return { jid, got, deliver: (s) => got.push(s) };
}

describe('XmppRouter', () => {
  it('sends to a full JID exactly, to a bare JID every resource of the account, and says how many took it', () => {
    const router = new XmppRouter();
    const phone = route('bob@flatline.test/phone');
    const laptop = route('bob@flatline.test/laptop');
    router.bind(phone);
    router.bind(laptop);
    const m = xml('message', { id: '1' });
    expect(router.route('bob@flatline.test/phone', m)).toBe(1);
    expect(router.route('bob@flatline.test', m)).toBe(2);
    expect(router.route('bob@flatline.test/tablet', m)).toBe(0);
    expect(router.route('carol@flatline.test', m)).toBe(0);
    expect([phone.got.length, laptop.got.length]).toEqual([2, 1]);
  });

  it('hands back the resource a new binding replaces, and unbinds only the one it is given', () => {
    const router = new XmppRouter();
    const old = route('bob@flatline.test/phone');
    const replacement = route('bob@flatline.test/phone');
    expect(router.bind(old)).toBeUndefined();
    expect(router.bind(replacement)).toBe(old);
    router.unbind(old); // no longer bound: nothing happens
    expect(router.route('bob@flatline.test/phone', xml('message'))).toBe(1);
    expect(replacement.got).toHaveLength(1);
  });
});
