import { afterEach, describe, expect, it } from 'vitest';
import { countDelivery } from '../checks/delivery.ts';
import { MIN, S, subjectWorld, type SubjectWorld } from './subject-world.ts';

let sw: SubjectWorld | undefined;
afterEach(async () => {
  await sw?.close();
  sw = undefined;
});

describe('seed-raw: the BSD-socket manager of seeds 000/002', () => {
  it('sends no heartbeat and never notices a blackhole: an hour later it still thinks it is open', async () => {
    sw = await subjectWorld('seed-raw');
    await sw.world.idle(MIN);
    sw.blackhole();
    await sw.world.idle(60 * MIN);
    expect(sw.events('heartbeat.sent')).toHaveLength(0);
    expect(sw.events('link.dead')).toHaveLength(0);
    expect(sw.client.state).toBe('open');
  });

  it('lets a 5-minute NAT mapping expire unnoticed; what it sends afterwards is written, counted sent, and lost', async () => {
    sw = await subjectWorld('seed-raw');
    sw.proxy.toxics.add({ type: 'nat_idle', attributes: { timeout: 5 * MIN } });
    await sw.world.idle(30 * MIN);
    for (let i = 0; i < 10; i++) sw.client.send({ i });
    await sw.world.idle(MIN);
    expect(sw.world.trace.ofType('nat.expired')).toMatchObject([{ t: 5 * MIN }]);
    expect(sw.events('link.dead')).toHaveLength(0);
    expect(countDelivery(sw.world.trace.events)).toMatchObject({ attempted: 10, acknowledged: 10, ok: 0, lost: 10 });
  });

  it('learns of a server crash from the FIN, then stays down for good: no reconnect, later sends dropped', async () => {
    sw = await subjectWorld('seed-raw');
    await sw.world.idle(MIN);
    await sw.restartAfter(MIN);
    await sw.world.idle(10 * MIN);
    sw.client.send({ late: true });
    expect(sw.events('link.dead')).toMatchObject([{ t: MIN, reason: 'connection closed by peer' }]);
    expect(sw.events('connect.attempt')).toHaveLength(1);
    expect(sw.events('reconnect.scheduled')).toHaveLength(0);
    expect(sw.client.state).toBe('closed');
    expect(sw.events('message.failed')).toMatchObject([{ reason: 'dropped: no open connection (closed)' }]);
  });

  it('does not reconnect after the user disconnects either', async () => {
    sw = await subjectWorld('seed-raw');
    await sw.world.idle(S);
    await sw.world.act(() => sw!.client.disconnect());
    await sw.world.idle(10 * MIN);
    expect(sw.client.state).toBe('closed');
    expect(sw.events('connect.attempt')).toHaveLength(1);
  });
});
