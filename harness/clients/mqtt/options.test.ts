import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../../util/errors.ts';
import { checkMqttUrl, resolveMqttClientOptions } from './options.ts';

describe('resolveMqttClientOptions', () => {
  it('fills in the defaults: keepalive 3m, at-least-once, 10s connect and ack timeouts, 20 in flight', () => {
    expect(resolveMqttClientOptions({ url: 'mqtt://127.0.0.1:1883' })).toEqual({
      url: 'mqtt://127.0.0.1:1883',
      keepaliveS: 180,
      backoff: {},
      guarantee: 'at-least-once',
      connectTimeoutMs: 10_000,
      maxInflight: 20,
      ackTimeoutMs: 10_000,
    });
  });

  it('takes the largest keepalive MQTT can send (65535 s) and refuses one more', () => {
    expect(resolveMqttClientOptions({ url: 'mqtt://h', keepalive: '65535s' }).keepaliveS).toBe(65_535);
    expect(() => resolveMqttClientOptions({ url: 'mqtt://h', keepalive: '65536s' })).toThrow(/keepalive must be whole seconds from 1s to 65535s/);
  });

  it('names the client in its errors', () => {
    const err = (() => {
      try {
        resolveMqttClientOptions({ url: 'mqtt://h', maxInflight: 1.5 }, 'mqtt client "x"');
      } catch (e) {
        return e;
      }
    })();
    expect(isFlatlineError(err, 'FLATLINE_ERR_CLIENT')).toBe(true);
    expect((err as Error).message).toMatch(/mqtt client "x"\.maxInflight must be a whole number from 1 to 65535/);
  });
});

describe('checkMqttUrl', () => {
  it('accepts mqtt:// and tcp:// and says how to write anything else', () => {
    expect(checkMqttUrl('tcp://127.0.0.1:1883', 'c')).toBe('tcp://127.0.0.1:1883');
    expect(() => checkMqttUrl('ws://127.0.0.1', 'c')).toThrow(/write it like "mqtt:\/\/127\.0\.0\.1:1883"/);
  });
});
