import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { fleetMembers, shareMembers } from './members.ts';

describe('fleet members', () => {
  it('spread their first connects evenly over the window, in order', () => {
    const members = fleetMembers({ size: 4, subject: { kind: 'tcp', options: { backoff: { jitter: 'full' } } }, connect: { spread: '1m' } });
    expect(members.map((m) => [m.name, m.offsetMs])).toEqual([['tcp-0', 0], ['tcp-1', 15_000], ['tcp-2', 30_000], ['tcp-3', 45_000]]);
    expect(members[2]!.options).toEqual({ backoff: { jitter: 'full' } });
  });

  it('give each kind of a mix its share, interleaved over the fleet', () => {
    const members = fleetMembers({ size: 1000, mix: { tcp: 0.7, ws: 0.2, mqttjs: 0.1 } });
    const count = (kind: string, from = 0, to = 1000) => members.slice(from, to).filter((m) => m.kind === kind).length;
    expect([count('tcp'), count('ws'), count('mqttjs')]).toEqual([700, 200, 100]);
    // every tenth of the fleet holds each kind's share: connect order does not group kinds
    for (let from = 0; from < 1000; from += 100) expect([count('tcp', from, from + 100), count('ws', from, from + 100), count('mqttjs', from, from + 100)]).toEqual([70, 20, 10]);
    expect(members[0]!.name).toBe('tcp-0');
  });

  it('a percentage share is a seeded choice: the same members for the same seed, others for another', () => {
    const members = fleetMembers({ size: 100, subject: { kind: 'tcp' } });
    const pick = (seed: number) => shareMembers(members, '10%', new Rng(seed).fork('fleet')).map((m) => m.index);
    expect(pick(1)).toHaveLength(10);
    expect(pick(1)).toEqual(pick(1));
    expect(pick(1)).not.toEqual(pick(2));
    expect(pick(1)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a kind share is every member of that kind; no share is the whole fleet', () => {
    const members = fleetMembers({ size: 10, mix: { tcp: 0.5, ws: 0.5 } });
    expect(shareMembers(members, 'ws', new Rng(1)).every((m) => m.kind === 'ws')).toBe(true);
    expect(shareMembers(members, 'ws', new Rng(1))).toHaveLength(5);
    expect(shareMembers(members, undefined, new Rng(1))).toHaveLength(10);
  });
});
