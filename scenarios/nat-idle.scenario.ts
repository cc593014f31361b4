import { defineMatrix } from '../harness/scenario/scenario.ts';
import { findingFor, heartbeatEvery, SUBJECTS, TUNABLE } from './subjects.ts';

/**
 * A carrier NAT forgets an idle mapping after 5 minutes. A heartbeat under it keeps one
 * connection alive for a day; a 6-minute one lets the mapping expire, and the client must notice.
 */
/** Clients whose heartbeat is the only traffic: an MQTT broker also expects the client within 1.5 x keepalive. */
const MQTT_FREE = ['tcp', 'ws'] as const;

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
  // Linux's own NAT (nf_conntrack_tcp_loose = 1, the port kept) picks the connection up again when
  // the client speaks after expiry: the same 6m heartbeat over the same 5m timeout breaks nothing.
  // nat_idle (kernel sockets, a real Toxiproxy) has no such mode, so this runs on the sim only.
  defineMatrix({ subject: MQTT_FREE }, ({ subject }) => ({
    name: 'nat idle: heartbeat 6m over a 5m Linux NAT, the mapping is picked up again and nothing breaks',
    description: 'linux-conntrack with its timeout at 5m: each expiry is undone by the next heartbeat (loose pickup, same port)',
    subject: { kind: subject, options: heartbeatEvery(subject, '6m') },
    network: { nat: { profile: 'linux-conntrack', timeout: '5m' }, substrate: 'sim' },
    timeline: [{ at: 0, do: 'connect' }],
    checks: [{ check: 'keepalive', window: '1h' }],
    horizon: '1h1m',
  })),
];

