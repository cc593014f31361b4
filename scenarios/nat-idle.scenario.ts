import { defineMatrix } from '../harness/scenario/scenario.ts';
import { findingFor, heartbeatEvery, SUBJECTS, TUNABLE } from './subjects.ts';

/**
 * A carrier NAT forgets an idle mapping after 5 minutes. A heartbeat under it keeps one
 * connection alive for a day; a 6-minute one lets the mapping expire, and the client must notice.
 */
export default [
  defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
    name: 'nat idle: heartbeat under a 5m NAT keeps the connection for 24h',
    description: 'heartbeat 3m (raw mqtt.js: its own 60s keepalive) under a 5-minute nat_idle',
    subject: { kind: subject, options: subject === 'mqttjs' ? {} : heartbeatEvery(subject, '3m') },
    network: { nat: { timeout: '5m' } },
    timeline: [{ at: 0, do: 'connect' }],
    checks: [{ check: 'keepalive', window: '23h' }],
    horizon: '24h',
    finding: findingFor(subject, 'nat-below'),
  })),
  defineMatrix({ subject: TUNABLE }, ({ subject }) => ({
    name: 'nat idle: heartbeat 6m over a 5m NAT, the expiry is noticed',
    subject: { kind: subject, options: heartbeatEvery(subject, '6m') },
    network: { nat: { timeout: '5m' } },
    timeline: [{ at: 0, do: 'connect' }],
    // the client's own promise: H + T for the TCP and WebSocket clients, 1.5 x keepalive for MQTT
    checks: [{ check: 'detection', death: { event: 'nat.expired' } }],
    horizon: '30m',
    finding: findingFor(subject, 'nat-above'),
  })),
];
