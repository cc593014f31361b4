import { describe, expect, it } from 'vitest';
import { errored, fail, judge, pass } from './verdict.ts';

describe('verdict', () => {
  it('builds pass and fail from ok, and survives a JSON round trip', () => {
    const v = judge('detection', false, { summary: 'late', measured: { detectionMs: 200_000, reason: null }, bound: { detectionMs: 190_000 } });
    expect(v.status).toBe('fail');
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
    expect(pass('x', { summary: 's', measured: {} }).status).toBe('pass');
    expect(fail('x', { summary: 's', measured: {} }).status).toBe('fail');
  });

  it('leaves bound out when there is none', () => {
    expect('bound' in pass('x', { summary: 's', measured: {} })).toBe(false);
  });

  it('marks a check that cannot judge as error', () => {
    expect(errored('keepalive', 'no window')).toEqual({ check: 'keepalive', status: 'error', summary: 'no window', measured: {} });
  });
});
