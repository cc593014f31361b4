import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { isFlatlineError } from '../util/errors.ts';
import { Deduper } from './dedupe.ts';
import { Outbox, resolveOutboxOptions, type OutboxMessage, type OutboxOptions } from './outbox.ts';

let clock: VirtualClock;
beforeEach(() => {
  clock = VirtualClock.install();
});
afterEach(() => clock.uninstall());

/**
 * An outbox over a pretend connection. `wire` records every write as "id#attempt"; `link.up`
 * false makes writes fail; `onWrite` lets a test react inside the write (deliver, close).
 */
function setup(options: OutboxOptions = {}) {
  const wire: string[] = [];
  const acked: string[] = [];
  const failed: { id: string; reason: string; at: number }[] = [];
  const link = { up: true, onWrite: (_m: OutboxMessage<string>) => {} };
  const outbox = new Outbox<string>(clock, options, {
    write: (m) => {
      if (!link.up) return false;
      wire.push(`${m.id}#${m.attempt}`);
      link.onWrite(m);
      return true;
    },
    onAcked: (id) => acked.push(id),
    onFailed: (id, reason) => failed.push({ id, reason, at: clock.elapsed() }),
  });
  return { outbox, wire, acked, failed, link };
}

describe('Outbox (every guarantee)', () => {
  it('numbers messages deterministically with its prefix', () => {
    const { outbox } = setup({ idPrefix: 'tcp-1' });
    expect([outbox.send('a'), outbox.send('b')]).toEqual(['tcp-1-1', 'tcp-1-2']);
  });

  it.each(['at-most-once', 'at-least-once', 'exactly-once'] as const)('%s: queues while not open and flushes in send order on open', (guarantee) => {
    const { outbox, wire } = setup({ guarantee });
    outbox.send('a');
    outbox.send('b');
    expect(wire).toEqual([]);
    expect(outbox.pending).toBe(2);
    outbox.opened();
    outbox.send('c');
    expect(wire).toEqual(['m-1#1', 'm-2#1', 'm-3#1']);
  });

  it('never writes a message ahead of an earlier one the connection refused', () => {
    const { outbox, wire, link } = setup();
    outbox.opened();
    link.up = false;
    outbox.send('a');
    link.up = true;
    outbox.send('b');
    expect(wire).toEqual(['m-1#1', 'm-2#1']);
  });

  it('keeps one timer however many messages wait', () => {
    const { outbox } = setup();
    outbox.opened();
    for (let i = 0; i < 100; i++) outbox.send(String(i));
    expect(clock.pendingTimers()).toBe(1);
  });

  it('dispose() fails every pending message and cancels the timer', () => {
    const { outbox, failed } = setup();
    outbox.send('a');
    outbox.send('b');
    outbox.dispose('user disconnected');
    expect(failed).toEqual([
      { id: 'm-1', reason: 'user disconnected', at: 0 },
      { id: 'm-2', reason: 'user disconnected', at: 0 },
    ]);
    expect(outbox.pending).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('Outbox at-most-once', () => {
  it('forgets a message once written: lost with the connection, never resent', async () => {
    const { outbox, wire } = setup({ guarantee: 'at-most-once' });
    outbox.opened();
    outbox.send('a');
    expect(outbox.pending).toBe(0);
    outbox.closed();
    outbox.opened();
    await clock.advance(3_600_000);
    expect(wire).toEqual(['m-1#1']);
    expect(outbox.ack('m-1')).toBe(false);
  });

  it('waits for a connection without timers unless a retry limit is set', () => {
    const { outbox } = setup({ guarantee: 'at-most-once' });
    outbox.send('a');
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe.each(['at-least-once', 'exactly-once'] as const)('Outbox %s', (guarantee) => {
  it('writes unacked messages again after a reconnect, in send order, and not acked ones', () => {
    const { outbox, wire, acked } = setup({ guarantee });
    outbox.opened();
    outbox.send('a');
    outbox.send('b');
    outbox.send('c');
    expect(outbox.ack('m-2')).toBe(true);
    outbox.closed();
    outbox.opened();
    expect(wire).toEqual(['m-1#1', 'm-2#1', 'm-3#1', 'm-1#2', 'm-3#2']);
    expect(acked).toEqual(['m-2']);
    expect(outbox.pending).toBe(2);
  });

  it('writes an unacked message again resendAfter after its last write, until acked', async () => {
    const { outbox, wire } = setup({ guarantee, resendAfter: '10s' });
    outbox.opened();
    outbox.send('a');
    await clock.advance(9_999);
    expect(wire).toEqual(['m-1#1']);
    await clock.advance(1);
    expect(wire).toEqual(['m-1#1', 'm-1#2']);
    outbox.ack('m-1');
    await clock.advance(3_600_000);
    expect(wire).toEqual(['m-1#1', 'm-1#2']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('counts an ack once: a duplicate ack after a resend is ignored', () => {
    const { outbox, acked } = setup({ guarantee });
    outbox.opened();
    const id = outbox.send('a');
    expect(outbox.ack(id)).toBe(true);
    expect(outbox.ack(id)).toBe(false);
    expect(outbox.ack('nobody-1')).toBe(false);
    expect(acked).toEqual([id]);
  });

  it('writes again a message whose write saw the connection close', () => {
    const { outbox, wire, link } = setup({ guarantee });
    outbox.opened();
    link.onWrite = () => outbox.closed();
    outbox.send('a');
    link.onWrite = () => {};
    outbox.opened();
    expect(wire).toEqual(['m-1#1', 'm-1#2']);
  });

  it('fails a message that maxRetries resends did not get acked', async () => {
    const { outbox, wire, failed } = setup({ guarantee, resendAfter: '1s', maxRetries: 2 });
    outbox.opened();
    outbox.send('a');
    await clock.advance(10_000);
    expect(wire).toEqual(['m-1#1', 'm-1#2', 'm-1#3']);
    expect(failed).toEqual([{ id: 'm-1', reason: 'gave up after 2 retries every 1s: never acked', at: 3_000 }]);
    expect(outbox.pending).toBe(0);
  });
});

describe('Outbox retry limit (seed 004: every 2 s, up to 10 times)', () => {
  it.each(['at-most-once', 'at-least-once'] as const)('%s: a message waiting for a connection fails after its last retry', async (guarantee) => {
    const { outbox, failed } = setup({ guarantee, resendAfter: '2s', maxRetries: 10 });
    outbox.send('a');
    await clock.advance(21_999);
    expect(failed).toEqual([]);
    await clock.advance(1);
    expect(failed).toEqual([{ id: 'm-1', reason: 'gave up after 10 retries every 2s: never written: the connection was not open', at: 22_000 }]);
  });

  it('a message that got a connection in time is written and does not fail', async () => {
    const { outbox, wire, failed } = setup({ guarantee: 'at-most-once', resendAfter: '2s', maxRetries: 10 });
    outbox.send('a');
    await clock.advance(19_000);
    outbox.opened();
    await clock.advance(60_000);
    expect(wire).toEqual(['m-1#1']);
    expect(failed).toEqual([]);
  });
});

describe('Outbox with a deduping receiver (exactly-once end to end)', () => {
  it('delivers each message once although acks are lost and the connection drops', async () => {
    const deduper = new Deduper();
    const delivered: string[] = [];
    const { outbox, link } = setup({ guarantee: 'exactly-once', resendAfter: '5s' });
    let ackLoss = true;
    link.onWrite = (m) => {
      if (deduper.firstTime('client-1', m.id)) delivered.push(m.body);
      // The receiver acks duplicates too; the first round of acks is lost on the way back.
      if (!ackLoss) clock.setTimeout(() => outbox.ack(m.id), 10);
    };
    outbox.opened();
    for (const body of ['a', 'b', 'c']) outbox.send(body);
    outbox.closed();
    outbox.opened();
    await clock.advance(4_000);
    ackLoss = false;
    await clock.advance(10_000);
    expect(delivered).toEqual(['a', 'b', 'c']);
    expect(outbox.pending).toBe(0);
  });
});

describe('resolveOutboxOptions', () => {
  it('defaults: at-least-once, prefix m, resend after 10s, never give up', () => {
    expect(resolveOutboxOptions()).toEqual({ guarantee: 'at-least-once', idPrefix: 'm', resendAfterMs: 10_000, maxRetries: Number.POSITIVE_INFINITY });
  });

  it('rejects invalid options with a message naming the option', () => {
    const cases: [OutboxOptions, string][] = [
      [{ guarantee: 'twice' as never }, `outbox.guarantee must be one of 'at-most-once', 'at-least-once', 'exactly-once' (got "twice")`],
      [{ idPrefix: '' }, `outbox.idPrefix must be a non-empty string such as the client's name (got "")`],
      [{ resendAfter: 0 }, 'outbox.resendAfter must be longer than 0 (got 0); write it like "10s"'],
      [{ maxRetries: -2 }, 'outbox.maxRetries must be a whole number >= 0, or Infinity to never give up (got -2)'],
    ];
    for (const [options, message] of cases) {
      let error: unknown;
      try {
        resolveOutboxOptions(options);
      } catch (e) {
        error = e;
      }
      expect(isFlatlineError(error, 'FLATLINE_ERR_CLIENT')).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });
});
