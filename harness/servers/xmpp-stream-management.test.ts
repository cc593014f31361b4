import { describe, expect, it } from 'vitest';
import { xml } from '@xmpp/xml';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { SmHibernation, SmSession } from './xmpp-stream-management.ts';

const stanza = (id: string) => xml('message', { id });

describe('SmSession: XEP-0198 counters', () => {
  it("forgets what the client's h acknowledges and hands back the rest on a resume", () => {
    const sm = new SmSession('sm-1', 'alice');
    for (const id of ['a', 'b', 'c', 'd']) sm.sent(stanza(id));
    sm.acked(1);
    expect(sm.pending).toBe(3);
    sm.acked(0); // backwards: ignored
    expect(sm.pending).toBe(3);
    const again = sm.resend(3);
    expect(again.map((s) => s.attrs.id)).toEqual(['d']);
    expect(sm.pending).toBe(0);
    for (const s of again) sm.sent(s); // the connection delivers them again, counted as new
    sm.sent(stanza('e'));
    sm.acked(4);
    expect(sm.pending).toBe(1);
    sm.acked(5);
    expect(sm.pending).toBe(0);
  });

  it('counts received stanzas and wraps at 2^32 (XEP-0198 §4)', () => {
    const sm = new SmSession('sm-1', 'alice');
    sm.inbound = 2 ** 32 - 1;
    sm.received();
    expect(sm.inbound).toBe(0);
  });
});

describe('SmHibernation: sessions kept for a resume', () => {
  it('keeps a session until its timeout, then reports it expired; take() ends the wait', async () => {
    const clock = VirtualClock.install();
    try {
      const kept = new SmHibernation<string>(clock, 600_000);
      const expired: string[] = [];
      kept.keep('sm-1', 'first', (v) => expired.push(v));
      kept.keep('sm-2', 'second', (v) => expired.push(v));
      await clock.advance(599_999);
      expect(kept.take('sm-1')).toBe('first');
      expect(kept.take('sm-1')).toBeUndefined();
      await clock.advance(1);
      expect(expired).toEqual(['second']);
      expect(kept.take('sm-2')).toBeUndefined();
    } finally {
      clock.uninstall();
    }
  });
});
