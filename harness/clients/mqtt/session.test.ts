import { afterEach, beforeEach, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.ts';
import { resolveMqttClientOptions } from './options.ts';
import { sessionOptions } from './session.ts';

let clock: VirtualClock;
beforeEach(() => {
  clock = VirtualClock.install();
});
afterEach(() => clock.uninstall());

it("keeps a persistent session, leaves reconnects to flatline, and runs mqtt.js' keepalive on the world's clock", async () => {
  const o = sessionOptions('m', resolveMqttClientOptions({ url: 'mqtt://127.0.0.1:1883', keepalive: '30s', connectTimeout: '5s' }), clock);
  expect(o).toMatchObject({ clientId: 'flatline-m', clean: false, keepalive: 30, connectTimeout: 5000, reconnectPeriod: 0, manualConnect: true });
  let ticks = 0;
  const handle = o.timerVariant !== undefined && typeof o.timerVariant === 'object' ? o.timerVariant.set(() => ticks++, 1000) : undefined;
  await clock.advance(3000);
  expect(ticks).toBe(3);
  if (typeof o.timerVariant === 'object') o.timerVariant.clear(handle!);
  expect(clock.pendingTimers()).toBe(0);
});
