import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../util/errors.ts';
import { refuseOutsideInVirtualTime, realTimePeerCaveat } from './liveness.ts';

const broker = { what: 'the MQTT broker at mqtt://127.0.0.1:1883 (--mqtt-url)' };

describe('refuseOutsideInVirtualTime', () => {
  it('refuses a party outside this process in virtual time, naming it and the remedy', () => {
    let caught: unknown;
    try {
      refuseOutsideInVirtualTime({ kind: 'virtual' }, broker, false);
    } catch (err) {
      caught = err;
    }
    expect(isFlatlineError(caught, 'FLATLINE_ERR_EXTERNAL_PEER')).toBe(true);
    expect((caught as Error).message).toMatch(/^the MQTT broker at mqtt:\/\/127\.0\.0\.1:1883 \(--mqtt-url\) lives outside this process/);
    expect((caught as Error).message).toMatch(/Run in real time with --time-scale 0\.01, or pass --allow-external-in-virtual-time/);
  });

  it('lets it run in real time, and in virtual time when opted in', () => {
    expect(() => refuseOutsideInVirtualTime({ kind: 'real' }, broker, false)).not.toThrow();
    expect(() => refuseOutsideInVirtualTime({ kind: 'virtual' }, broker, true)).not.toThrow();
  });

  it('words the caveat an opted-in run carries on every verdict', () => {
    expect(realTimePeerCaveat(broker)).toBe('judged in virtual time against the MQTT broker at mqtt://127.0.0.1:1883 (--mqtt-url), which runs on real time: its own timers were not on the virtual clock');
  });
});
