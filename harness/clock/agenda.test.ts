import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { Agenda, type Agendum } from './agenda.ts';

describe('the agenda', () => {
  it('gives events back by due time, then in the order they were scheduled, whatever is cancelled on the way', () => {
    const rng = new Rng(3);
    const agenda = new Agenda();
    const live: Agendum[] = [];
    for (let i = 0; i < 5_000; i++) {
      live.push(agenda.schedule(Math.floor(rng.next() * 100), () => {}));
      if (rng.next() < 0.3) agenda.cancel(live.splice(Math.floor(rng.next() * live.length), 1)[0]!);
    }
    const expected = [...live].sort((a, b) => a.at - b.at || a.seq - b.seq);
    const got: Agendum[] = [];
    for (let a = agenda.shift(); a; a = agenda.shift()) got.push(a);
    expect(got).toEqual(expected);
    expect(agenda.size).toBe(0);
  });

  it('cancelling twice, or after it fired, does nothing', () => {
    const agenda = new Agenda();
    const a = agenda.schedule(5, () => {});
    const b = agenda.schedule(7, () => {});
    agenda.cancel(a);
    agenda.cancel(a);
    expect(agenda.peekAt()).toBe(7);
    expect(agenda.shift()).toBe(b);
    agenda.cancel(b);
    expect(agenda.size).toBe(0);
  });
});
