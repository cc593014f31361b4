// A starter scenario, written by `npx flatline init`. `npx flatline run` runs every scenario in
// scenarios/ (or the ones flatline.config.ts lists); each is judged in virtual time, in well under a second.
import { defineScenario } from 'flatline';

export default defineScenario({
  name: 'starter: a 5m NAT, then the line goes flat',
  description: 'the heartbeat keeps the NAT mapping alive; a blackhole at 20m is noticed within heartbeat + reply timeout',
  subject: { kind: 'example', options: { heartbeat: '1m', replyTimeout: '10s' } },
  network: { nat: { timeout: '5m' } },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '1m', do: 'send', count: 10, every: '1m' },
    { at: '20m', do: 'add-toxic', toxic: { name: 'flat', type: 'blackhole', stream: 'upstream' } },
    { at: '25m', do: 'remove-toxic', name: 'flat' },
  ],
  checks: [
    { check: 'keepalive', window: '15m' },
    { check: 'detection', death: { toxic: 'flat' } },
    { check: 'backoff' },
    { check: 'delivery', guarantee: 'at-most-once' },
  ],
  horizon: '40m',
});
