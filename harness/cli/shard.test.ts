import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardOf } from './shard.ts';

const ids = Array.from({ length: 300 }, (_, i) => `scenarios/s${i % 7}.scenario.ts#case ${i} [nat=${i % 5}]`);

describe('--shard i/n', () => {
  it('reads i/n and refuses what is not', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, total: 3 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, total: 1 });
    for (const bad of ['0/3', '4/3', '3', '1/0', 'a/b', '-1/2', '1.5/3']) expect(() => parseShard(bad), bad).toThrow(/--shard must be i\/n .* \(got "/);
  });

  it('puts every run in exactly one shard, spread about evenly', () => {
    for (const total of [1, 2, 3, 8]) {
      const counts = new Array(total).fill(0);
      for (const id of ids) {
        const owners = Array.from({ length: total }, (_, i) => i + 1).filter((index) => inShard(id, { index, total }));
        expect(owners).toHaveLength(1);
        counts[owners[0]! - 1]++;
      }
      for (const c of counts) expect(c).toBeGreaterThan((ids.length / total) * 0.6);
    }
  });

  it('depends on the run id alone: adding runs never moves the others', () => {
    const before = ids.map((id) => shardOf(id, 4));
    const more = [...ids.slice(0, 150), 'scenarios/new.scenario.ts#new', ...ids.slice(150)];
    expect(ids.map((id) => shardOf(id, 4))).toEqual(before);
    expect(more.filter((id) => id !== 'scenarios/new.scenario.ts#new').map((id) => shardOf(id, 4))).toEqual(before);
    // Pinned, so a change of hash (which would reshuffle every CI matrix) is noticed.
    // FNV-1a('a') = 0xe40c292c, ('b') = 0xe70c2de5, ('c') = 0xe60c2c52, ('d') = 0xe10c2473 (the FNV page's test vectors).
    expect(['a', 'b', 'c', 'd'].map((id) => shardOf(id, 5))).toEqual([1, 3, 4, 4]);
  });
});
