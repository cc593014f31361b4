import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from './closest.ts';

describe('closest', () => {
  it.each([
    ['horizn', ['name', 'horizon', 'timeline'], 'horizon'],
    ['heartBeat', ['heartbeat', 'backoff'], 'heartbeat'],
    ['heartbeet', ['heartbeat', 'backoff'], 'heartbeat'],
    ['ordred', ['guarantee', 'ordered'], 'ordered'],
    ['crsh', ['graceful', 'crash', 'reset'], 'crash'],
    ['evry', ['at', 'do', 'count', 'every'], 'every'],
    ['latencyy', ['latency', 'jitter'], 'latency'],
    ['at-least-one', ['at-most-once', 'at-least-once', 'exactly-once'], 'at-least-once'],
    ['keepAlive', ['keepalive', 'clean'], 'keepalive'],
    ['reconnectionDelayMx', ['reconnectionDelay', 'reconnectionDelayMax'], 'reconnectionDelayMax'],
    ['delay', ['reconnectionDelay', 'timeout'], 'reconnectionDelay'],
  ])('%s -> %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it('suggests nothing when every candidate is far off', () => {
    expect(closest('zzzz', ['latency', 'jitter'])).toBeUndefined();
    expect(didYouMean('zzzz', ['latency'])).toBe('');
  });

  it('prefers the nearer of two candidates', () => {
    expect(closest('bounds', ['bound', 'boundaries'])).toBe('bound');
    expect(didYouMean('boundd', ['bound', 'death'])).toBe('; did you mean "bound"?');
  });
});
