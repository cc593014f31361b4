import { afterEach, describe, expect, it } from 'vitest';
import { countDelivery } from '../checks/delivery.ts';
import { MIN, S, subjectWorld, type SubjectWorld } from './subject-world.ts';

let sw: SubjectWorld | undefined;
afterEach(async () => {
  await sw?.close();
  sw = undefined;
});

describe('seed-mqttkit: the MQTTKit manager of seed 002', () => {
  it('pings every 60s (MQTTKit keepalive) and declares a blackholed link dead 90s after its last PINGRESP', async () => {
    sw = await subjectWorld('seed-mqttkit');
    await sw.world.idle(2 * MIN + 30 * S);
    expect(sw.events('heartbeat.sent').map((e) => e.t)).toEqual([60 * S, 120 * S]);
    sw.blackhole();
    await sw.world.idle(5 * MIN);
    expect(sw.events('link.dead')).toMatchObject([{ t: 120 * S + 90 * S, reason: 'keepalive timeout: no PINGRESP within 1.5 x keepalive' }]);
  });

  it('never reconnects after a drop: the manager has no reconnect of its own', async () => {
    sw = await subjectWorld('seed-mqttkit');
    await sw.world.idle(MIN);
    await sw.restartAfter(MIN);
    await sw.world.idle(10 * MIN);
    expect(sw.events('connect.attempt')).toHaveLength(1);
    expect(sw.events('reconnect.scheduled')).toHaveLength(0);
    expect(sw.client.state).toBe('closed');
  });

  it('publishes QoS 2 with retain to its own id, and receives what it published', async () => {
    sw = await subjectWorld('seed-mqttkit');
    await sw.world.idle(S);
    for (let i = 0; i < 20; i++) sw.client.send({ i });
    await sw.world.idle(10 * S);
    expect(countDelivery(sw.world.trace.events)).toMatchObject({ attempted: 20, acknowledged: 20, ok: 20, duplicated: 0 });
    expect(sw.world.trace.ofType('server.accepted')).toMatchObject([{ client: 'flatline/c1' }]);
  });
});
