import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { isFlatlineError } from '../util/errors.ts';
import { Heartbeat, resolveHeartbeatOptions, type HeartbeatOptions } from './heartbeat.ts';

const H = 180_000;
const T = 10_000;

let clock: VirtualClock;
beforeEach(() => {
  clock = VirtualClock.install();
});
afterEach(() => clock.uninstall());

/** A heartbeat on the virtual clock; `replyAfter` answers every heartbeat after that delay. */
function setup(options: HeartbeatOptions = {}, replyAfter?: number) {
  const sent: number[] = [];
  const dead: { at: number; reason: string }[] = [];
  const hb: Heartbeat = new Heartbeat(clock, options, {
    send: () => {
      sent.push(clock.elapsed());
      if (replyAfter !== undefined) clock.setTimeout(() => hb.noteReply(), replyAfter);
    },
    dead: (reason) => dead.push({ at: clock.elapsed(), reason }),
  });
  return { hb, sent, dead };
}

/** Calls `fn` every `everyMs` for `forMs` of virtual time. */
async function traffic(fn: () => void, everyMs: number, forMs: number): Promise<void> {
  const handle = clock.setInterval(fn, everyMs);
  await clock.advance(forMs);
  clock.clearInterval(handle);
}

describe('Heartbeat', () => {
  it('defaults to a 3m interval, a 10s timeout and received traffic as the idle basis', () => {
    expect(resolveHeartbeatOptions()).toEqual({ intervalMs: H, timeoutMs: T, idleBasis: 'received' });
  });

  it('sends a heartbeat every H of silence, counted from the last reply', async () => {
    const { hb, sent, dead } = setup({}, 50);
    hb.start();
    await clock.advance(3 * H + 150);
    expect(sent).toEqual([H, 2 * H + 50, 3 * H + 100]);
    expect(hb.stats).toEqual({ sent: 3, replies: 3 });
    expect(dead).toEqual([]);
  });

  it('skips heartbeats while frames are received, and resumes H after the last one', async () => {
    const { hb, sent } = setup();
    hb.start();
    await traffic(() => hb.noteReceived(), 60_000, 3_600_000);
    expect(sent).toEqual([]);
    await clock.advance(H);
    expect(sent).toEqual([3_600_000 + H]);
  });

  it("does not count sent frames as traffic with idleBasis 'received'", async () => {
    const { hb, sent } = setup();
    hb.start();
    await traffic(() => hb.noteSent(), 60_000, H);
    expect(sent).toEqual([H]);
  });

  it("counts sent frames as traffic with idleBasis 'any'", async () => {
    const { hb, sent } = setup({ idleBasis: 'any' });
    hb.start();
    await traffic(() => hb.noteSent(), 60_000, 3_600_000);
    expect(sent).toEqual([]);
  });

  it('declares the link dead exactly H + T after the last received frame when no reply comes', async () => {
    const { hb, sent, dead } = setup();
    hb.start();
    await clock.advance(1_234);
    hb.noteReceived();
    await clock.advance(H + T - 1);
    expect(dead).toEqual([]);
    await clock.advance(1);
    expect(dead).toEqual([{ at: 1_234 + H + T, reason: 'heartbeat timeout: no reply within 10s' }]);
    expect(sent).toEqual([1_234 + H]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('raises no false alarm over 24h when every reply arrives just within T', async () => {
    const { hb, sent, dead } = setup({}, T - 1);
    hb.start();
    await clock.advance(86_400_000);
    expect(dead).toEqual([]);
    expect(sent.length).toBe(Math.floor(86_400_000 / (H + T - 1)));
  });

  it('accepts any inbound frame as proof of life while a heartbeat is outstanding', async () => {
    const { hb, dead } = setup();
    hb.start();
    await clock.advance(H + T - 1);
    hb.noteReceived();
    await clock.advance(H + T - 1);
    expect(dead).toEqual([]);
  });

  it('reports the round-trip time of the heartbeat a reply answers, even after noteReceived', async () => {
    const { hb } = setup();
    hb.start();
    await clock.advance(H + 420);
    hb.noteReceived();
    expect(hb.noteReply()).toBe(420);
    expect(hb.noteReply()).toBeUndefined();
  });

  it('sends the next heartbeat H after a reply even when T is longer than H', async () => {
    const { hb, sent } = setup({ interval: '1s', timeout: '5s' });
    hb.start();
    await clock.advance(1_100);
    hb.noteReply();
    await clock.advance(1_000);
    expect(sent).toEqual([1_000, 2_100]);
  });

  it('stop() cancels every timer', async () => {
    const { hb, sent, dead } = setup();
    hb.start();
    await clock.advance(H);
    hb.stop();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(86_400_000);
    expect(sent).toEqual([H]);
    expect(dead).toEqual([]);
  });

  it('arms one timer per deadline, not one per frame', async () => {
    const { hb } = setup();
    const armed = vi.spyOn(clock, 'setTimeout');
    hb.start();
    await traffic(() => hb.noteReceived(), 100, 3_600_000);
    // 36,000 frames; the timer re-arms once per H.
    expect(armed.mock.calls.length).toBeLessThanOrEqual(3_600_000 / H + 1);
  });

  it('fires its timer once per heartbeat on an idle link: an answered heartbeat leaves nothing due at its deadline', async () => {
    const { hb, sent } = setup({}, 50);
    hb.start();
    await clock.advance(H + 50);
    const armed = vi.spyOn(clock, 'setTimeout');
    // Past the answered heartbeat's deadline (H + T): no timer wakes up there to re-arm itself.
    await clock.advance(T);
    expect(armed).not.toHaveBeenCalled();
    await clock.advance(H - T);
    expect(sent).toEqual([H, 2 * H + 50]);
  });

  it('rejects invalid options with a message naming the option', () => {
    const cases: [HeartbeatOptions, RegExp][] = [
      [{ interval: 0 }, /^heartbeat\.interval must be longer than 0/],
      [{ timeout: '0s' }, /^heartbeat\.timeout must be longer than 0/],
      [{ idleBasis: 'sent' as never }, /^heartbeat\.idleBasis must be one of 'received', 'any'/],
      [{ intervall: '3m' } as never, /unknown option "intervall"/],
    ];
    for (const [options, message] of cases) {
      let error: unknown;
      try {
        resolveHeartbeatOptions(options);
      } catch (e) {
        error = e;
      }
      expect(isFlatlineError(error, 'FLATLINE_ERR_CLIENT')).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});
