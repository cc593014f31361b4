import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue.ts';

const never = () => new Promise<never>(() => {});

describe('KeyedQueue', () => {
  it('runs tasks on one key in arrival order, one at a time', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const first = queue.run(['a'], async () => {
      log.push('first starts');
      await new Promise<void>((r) => (release = r));
      log.push('first ends');
    });
    const second = queue.run(['a'], () => log.push('second'));
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['first starts']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['first starts', 'first ends', 'second']);
  });

  it('lets a task on another key pass one that never ends', async () => {
    const queue = new KeyedQueue();
    void queue.run(['stuck'], never);
    expect(await queue.run(['other'], () => 'done')).toBe('done');
    expect(await queue.run([], () => 'no key')).toBe('no key');
  });

  it('makes a task on several keys wait for each, and a failure does not block the next', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const failing = queue.run(['a'], () => {
      throw new Error('boom');
    });
    const both = queue.run(['a', 'b'], () => log.push('a+b'));
    const b = queue.run(['b'], () => log.push('b'));
    await expect(failing).rejects.toThrow('boom');
    await Promise.all([both, b]);
    expect(log).toEqual(['a+b', 'b']);
    await Promise.resolve();
    expect(queue.busyKeys).toEqual([]);
  });
});
