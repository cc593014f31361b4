import { afterEach, describe, expect, it } from 'vitest';
import { BusyPoll, runnableThreads } from './busy-poll.ts';

const polls: BusyPoll[] = [];
afterEach(() => polls.splice(0).forEach((poll) => poll.stop()));

/** A poll that always finds a CPU to spare unless told otherwise, asking on every turn. */
function busyPoll(windowMs: number, spareCpu = () => true): BusyPoll {
  const poll = new BusyPoll(windowMs, { spareCpu, checkEveryMs: 0 });
  polls.push(poll);
  return poll;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Event-loop turns until the poll lets the loop block; fails past `maxMs` of real time, a hang rather than a speed check. */
async function turnsUntilIdle(poll: BusyPoll, maxMs = 10_000): Promise<number> {
  const start = performance.now();
  let turns = 0;
  while (poll.polling) {
    if (performance.now() - start > maxMs) throw new Error(`still polling after ${maxMs} ms`);
    await turn();
    turns++;
  }
  return turns;
}

describe('BusyPoll', () => {
  it('keeps the loop polling while pokes come, and lets it block once a window passes without one', async () => {
    const poll = busyPoll(5);
    expect(poll.polling).toBe(false);
    poll.poke();
    expect(poll.polling).toBe(true);
    // activity on every turn for longer than several windows: it never stops in between
    const until = performance.now() + 30;
    let lastPoke = 0;
    while (performance.now() < until) {
      lastPoke = performance.now();
      poll.poke();
      await turn();
      expect(poll.polling).toBe(true);
    }
    expect(await turnsUntilIdle(poll)).toBeGreaterThan(0);
    // it polled for a whole window after the last poke before it let go
    expect(performance.now() - lastPoke).toBeGreaterThanOrEqual(5);
  });

  it('polls again on the next poke after it let the loop block', async () => {
    const poll = busyPoll(1);
    poll.poke();
    await turnsUntilIdle(poll);
    poll.poke();
    expect(poll.polling).toBe(true);
    await turnsUntilIdle(poll);
  });

  it('does not poll while no CPU is spare, and stops polling when the CPUs fill up', async () => {
    let spare = false;
    const poll = busyPoll(60_000, () => spare);
    poll.poke();
    expect(poll.polling).toBe(false);
    spare = true;
    poll.poke();
    expect(poll.polling).toBe(true);
    await turn();
    expect(poll.polling).toBe(true);
    spare = false;
    await turnsUntilIdle(poll);
  });

  it('reads the runnable threads from /proc/loadavg\'s running/total field', () => {
    expect(runnableThreads('0.94 1.22 3.56 3/612 12345\n')).toBe(3);
    expect(runnableThreads('12.43 8.90 6.49 14/1031 98765\n')).toBe(14);
    expect(runnableThreads('')).toBe(0);
  });

  it('a window of 0 never polls', () => {
    const poll = busyPoll(0);
    poll.poke();
    expect(poll.polling).toBe(false);
  });

  it('stop() lets the loop block at once', () => {
    const poll = busyPoll(60_000);
    poll.poke();
    poll.stop();
    expect(poll.polling).toBe(false);
  });
});
