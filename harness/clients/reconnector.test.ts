import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../../test/support/client-events.ts';
import { Backoff, type BackoffOptions } from '../policy/backoff.ts';
import { Rng } from '../util/rng.ts';
import { Reconnector, type ReconnectorOptions } from './reconnector.ts';

let ctx: ReturnType<typeof fakeContext> | undefined;
afterEach(() => ctx?.clock.uninstall());

function reconnector(backoff: BackoffOptions = {}, options: ReconnectorOptions = {}) {
  const c = (ctx = fakeContext());
  const r = new Reconnector(c.clock, new Backoff(backoff, { clock: c.clock, rng: new Rng(1) }), c.events, options);
  const retries: string[] = [];
  const start = c.clock.now();
  const schedule = () => r.schedule((attempt) => retries.push(`${attempt}@${c.clock.now() - start}`));
  return { c, r, retries, schedule };
}

describe('Reconnector', () => {
  it('retries at once (in the same call), then on the backoff schedule, tracing each retry before it waits', async () => {
    const { c, r, retries, schedule } = reconnector();
    expect(schedule()).toBe(true);
    expect(retries).toEqual(['1@0']);
    expect(schedule()).toBe(true);
    expect(r.pending).toBe(true);
    await c.clock.advance(2_000);
    expect(retries).toEqual(['1@0', '2@2000']);
    expect(r.pending).toBe(false);
    expect(c.seen()).toEqual(['reconnect.scheduled:1:0', 'state:waiting', 'reconnect.scheduled:2:2000']);
  });

  it('gives up when the backoff does, and says so', () => {
    const { c, retries, schedule } = reconnector({ maxAttempts: 1 });
    schedule();
    expect(schedule()).toBe(false);
    expect(retries).toEqual(['1@0']);
    expect(c.seen().slice(-2)).toEqual(['reconnect.gave_up:1', 'state:closed']);
  });

  it('runs no retry after cancel()', async () => {
    const { c, r, retries, schedule } = reconnector({ immediateFirst: false });
    schedule();
    r.cancel();
    await c.clock.advance(60_000);
    expect(retries).toEqual([]);
    expect(r.pending).toBe(false);
  });

  it('with deferAtOnce and waitingFirst (the MQTT client): "at once" waits for a 0 ms timer, and the state comes first', async () => {
    const { c, r, retries, schedule } = reconnector({}, { deferAtOnce: true, waitingFirst: true });
    schedule();
    expect(retries).toEqual([]); // not inside the caller's stack
    expect(r.pending).toBe(true);
    await c.clock.advance(0);
    expect(retries).toEqual(['1@0']);
    expect(c.seen()).toEqual(['state:waiting', 'reconnect.scheduled:1:0']);
  });
});
