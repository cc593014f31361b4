/** The clients `flatline nat --simulate` can drive, and how each is given a heartbeat. */

/** Subjects the probes can drive: the reference TCP and WebSocket clients, the reference MQTT client and raw mqtt.js. */
export const SIMULATED_SUBJECTS = ['tcp', 'ws', 'mqtt', 'mqttjs'] as const;
export type SimulatedSubject = (typeof SIMULATED_SUBJECTS)[number];

/** MQTT's heartbeat is its keepalive, sent in whole seconds (MQTT 3.1.1 section 3.1.2.10). */
export const isMqtt = (subject: SimulatedSubject): boolean => subject === 'mqtt' || subject === 'mqttjs';

/**
 * The reply timeout T a subject runs with for heartbeat H. mqtt.js has none of its own to set: it
 * declares the link dead 1.5 x keepalive after the last ack (KeepaliveManager; anchors.md section
 * 3), i.e. T = H / 2 after the PINGREQ it sends at H.
 */
export function replyTimeoutFor(subject: SimulatedSubject, heartbeatMs: number, replyTimeoutMs: number): number {
  return isMqtt(subject) ? heartbeatMs / 2 : replyTimeoutMs;
}

/** The options that give `subject` heartbeat H (and reply timeout T where it has one). */
export function subjectOptions(subject: SimulatedSubject, heartbeatMs: number, replyTimeoutMs: number): Record<string, unknown> {
  if (subject === 'mqtt') return { keepalive: heartbeatMs };
  if (subject === 'mqttjs') return { keepalive: heartbeatMs / 1000 };
  return { heartbeat: { interval: heartbeatMs, timeout: replyTimeoutMs } };
}
